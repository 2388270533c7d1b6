"""The web application (Starlette): one page and a few endpoints over the command line's code.

Each upload gets its own folder inside the server's temporary folder; the folder
is removed before the answer is sent (the answer is a few hundred kilobytes at
most, held in memory), so nothing the clerk sent outlives the request. Nothing
about an upload is logged.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from .. import __version__
from ..errors import GiarError
from ..report import MAX_JSON_BYTES
from . import jobs
from .page import render_page
from .pool import WorkerPool, default_workers
from .uploads import UploadRefused, receive_files

BUTTON_PATH = "/xlwings/giar-check"
# uploads received or checked at once; the rest wait their turn (bounds disk and memory)
SLOTS_PER_WORKER = 4
SECURITY_HEADERS = {
    # everything is inline and nothing is fetched from elsewhere (intranets are offline)
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                               "img-src data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass
class ServerState:
    pool: WorkerPool
    root: Path  # the server's temporary folder
    slots: asyncio.Semaphore
    formats: list[str]


def available_formats() -> list[str]:
    """The export formats this machine can make: PDF only where LibreOffice is installed."""
    from ..export import FORMATS
    from ..libreoffice import soffice

    return [f for f in FORMATS if f != "pdf" or soffice()]


def button_enabled() -> bool:
    """xlwings' remote engine needs a licence key (PolyForm Noncommercial: ``noncommercial``)."""
    import os

    return bool(os.environ.get("XLWINGS_LICENSE_KEY"))


def create_app(workers: int | None = None) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette):
        root = Path(tempfile.mkdtemp(prefix="giar-serve-"))
        count = workers or default_workers()
        pool = WorkerPool(count, str(root))
        try:
            await asyncio.get_running_loop().run_in_executor(None, pool.start)
            app.state.giar = ServerState(pool, root, asyncio.Semaphore(count * SLOTS_PER_WORKER),
                                         available_formats())
            yield
        finally:
            pool.close()
            shutil.rmtree(root, ignore_errors=True)

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/api/status", status, methods=["GET"]),
        Route("/api/validate", validate, methods=["POST"]),
        Route("/api/annotate", annotate, methods=["POST"]),
        Route("/api/export", export, methods=["POST"]),
        Route(BUTTON_PATH, button, methods=["POST"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _state(request: Request) -> ServerState:
    return request.app.state.giar


def _response(outcome: jobs.Outcome) -> Response:
    headers = dict(SECURITY_HEADERS)
    if outcome.filename:
        headers["Content-Disposition"] = content_disposition(outcome.filename)
    return Response(outcome.body, status_code=outcome.status, media_type=outcome.media_type,
                    headers=headers)


def content_disposition(name: str) -> str:
    """RFC 6266: an ASCII stand-in for old clients, the real (Chinese) name in filename*."""
    suffix = Path(name).suffix
    fallback = "giar-xl" + (suffix if suffix.isascii() else "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _cross_site(request: Request) -> bool:
    """A page of another site posting to this server (browsers always send Origin then)."""
    origin = request.headers.get("origin")
    if origin is None:
        return False  # not a browser's cross-site request: curl, the Excel button
    return urlsplit(origin).netloc != request.headers.get("host")


def _length(request: Request) -> int | None:
    try:
        return int(request.headers["content-length"])
    except (KeyError, ValueError):
        return None


async def page(request: Request) -> Response:
    state = _state(request)
    return Response(render_page(state.formats, button_enabled()), media_type="text/html; charset=utf-8",
                    headers=SECURITY_HEADERS)


async def status(request: Request) -> Response:
    import json

    state = _state(request)
    body = {"version": __version__, "formats": state.formats, "button": button_enabled(),
            "workers": state.pool.workers}
    return Response(json.dumps(body, ensure_ascii=False), media_type=jobs.JSON_TYPE, headers=SECURITY_HEADERS)


async def _with_uploads(request: Request, job: Any, *args: Any) -> Response:
    if _cross_site(request):
        return _response(jobs.error(403, "拒绝来自其他网站的上传请求。请直接打开本服务的页面上传文件。"))
    state = _state(request)
    async with state.slots:
        folder = Path(tempfile.mkdtemp(prefix="req-", dir=state.root))
        try:
            files = await receive_files(request.headers.get("content-type"), request.stream(), folder,
                                        _length(request))
            previous = files.get("previous")
            outcome = await state.pool.run(
                job, (str(files["file"].path), files["file"].name),
                (str(previous.path), previous.name) if previous else None, *args)
        except UploadRefused as e:
            outcome = jobs.error(e.status, e.message)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is listening any more
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return _response(outcome)


async def validate(request: Request) -> Response:
    return await _with_uploads(request, jobs.validate)


async def annotate(request: Request) -> Response:
    return await _with_uploads(request, jobs.annotate)


async def export(request: Request) -> Response:
    from ..commands.export import parse_formats

    state = _state(request)
    try:
        fmts = parse_formats(tuple(request.query_params.getlist("to")))
    except GiarError as e:
        return _response(jobs.error(400, e.message))
    if len(fmts) != 1:
        return _response(jobs.error(400, "一次只能导出一种格式，例如 ?to=docx。"))
    if fmts[0] not in state.formats:
        return _response(jobs.error(400, f"本服务器不能导出 {fmts[0]}（可用：{'、'.join(state.formats)}）。"))
    force = request.query_params.get("force", "") in ("1", "true", "yes")
    return await _with_uploads(request, jobs.export, fmts[0], force)


async def button(request: Request) -> Response:
    """xlwings Server: ``RunRemotePython`` posts the workbook as JSON and runs the actions returned."""
    state = _state(request)
    if _cross_site(request):
        return _response(jobs.text_error(403, "拒绝来自其他网站的请求。"))
    too_large = jobs.text_error(413, f"工作簿数据超过 {MAX_JSON_BYTES // 2**20} MB，不像是年度报告，未校验。")
    length = _length(request)
    if length is not None and length > MAX_JSON_BYTES:
        return _response(too_large)
    async with state.slots:
        body = bytearray()
        try:
            async for chunk in request.stream():
                body.extend(chunk)
                if len(body) > MAX_JSON_BYTES:
                    return _response(too_large)
        except ClientDisconnect:
            return Response(status_code=400)
        outcome = await state.pool.run(jobs.button, bytes(body))
    return _response(outcome)
