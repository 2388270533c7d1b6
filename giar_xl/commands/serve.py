"""giar-xl serve: run the checker as a local web application (Starlette, served by uvicorn)."""

from __future__ import annotations

import errno
import ipaddress
import socket

import click

from ..errors import GiarError

DEFAULT_PORT = 8765


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a busy port is a Chinese message and port 0 works."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise GiarError(f"无法识别监听地址“{host}”，请填写本机的 IP 地址，如 127.0.0.1 或 0.0.0.0。") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if hasattr(socket, "SO_REUSEADDR") and not hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # not on Windows
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as e:
        sock.close()
        reason = {errno.EADDRINUSE: "端口已被占用", errno.EACCES: "没有权限使用这个端口",
                  errno.EADDRNOTAVAIL: "本机没有这个地址"}.get(e.errno, e.strerror or str(e))
        raise GiarError(f"无法在 {host}:{port} 启动服务（{reason}），请用 --port 换一个端口"
                        "或检查 --host。") from None
    sock.set_inheritable(True)
    return sock


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址。默认只有本机能访问；让单位内网的其他电脑使用时设为 0.0.0.0（或本机的内网 IP）")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="端口；0 表示由系统选一个空闲端口")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="同时处理文件的进程数，默认等于处理器核数")
def command(host: str, port: int, workers: int | None) -> None:
    """启动校验网页服务：没有 Python 的电脑用浏览器上传工作簿即可校验，并下载带校验结果的副本和导出文件；
    Excel 工作簿的“校验”按钮也可以连到这里（见 docs/serve.md）。按 Ctrl+C 停止。

    \b
    示例：
      giar-xl serve                         只供本机浏览器使用
      giar-xl serve --host 0.0.0.0 --port 8765   供内网其他电脑使用
    """
    import uvicorn

    from ..serve import BUTTON_PATH, create_app
    from ..serve.app import button_enabled

    sock = bind(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    url = f"http://{shown}:{bound_port}/"

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if not self.should_exit:
                click.echo(f"giar-xl 校验服务已启动：{url}（按 Ctrl+C 停止）")
                if not _is_loopback(bound_host):
                    click.echo("注意：服务对网络开放，请只在单位内网使用；同一网段的电脑用 "
                               f"http://本机的IP地址:{bound_port}/ 访问。")
                if button_enabled():
                    click.echo(f"Excel“校验”按钮的服务器地址：http://本机的IP地址:{bound_port}"
                               f"（接口 {BUTTON_PATH}）")
                else:
                    click.echo("Excel“校验”按钮接口未启用：需设置环境变量 XLWINGS_LICENSE_KEY=noncommercial"
                               "（xlwings 非商业许可，见 docs/serve.md）。网页校验不受影响。")

    config = uvicorn.Config(create_app(workers), lifespan="on", log_level="warning", access_log=False,
                            server_header=False, timeout_graceful_shutdown=30)
    try:
        Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises Ctrl+C again once it has shut down cleanly
        pass
    finally:
        sock.close()
    click.echo("校验服务已停止。")
