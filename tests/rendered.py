"""What a rendered PDF shows: its pages' text, the words with their boxes, pixel colours.

Built on poppler's command-line tools (pdftotext, pdftoppm, pdfinfo, pdffonts), which
.ci/run installs with LibreOffice.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lxml import etree


def run(*args: str) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          check=True).stdout


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, in reading order (pdftotext separates pages with a form feed)."""
    pages = run("pdftotext", "-layout", pdf, "-").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def flat(text: str) -> str:
    """Text without any whitespace: a wrapped line in a PDF and the source compare equal."""
    return re.sub(r"\s+", "", text)


def page_count(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", pdf), re.M).group(1))


def info(pdf: Path) -> dict[str, str]:
    out = {}
    for line in run("pdfinfo", pdf).splitlines():
        key, _, value = line.partition(":")
        out[key.strip()] = value.strip()
    return out


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float


def words(pdf: Path) -> tuple[list[Page], list[Word]]:
    """Every word with its box in points (origin top left), and each page's size."""
    xml = run("pdftotext", "-bbox", pdf, "-")
    root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(recover=True))
    pages, out = [], []
    for n, page in enumerate(root.iter("{*}page"), start=1):
        pages.append(Page(n, float(page.get("width")), float(page.get("height"))))
        for w in page.iter("{*}word"):
            out.append(Word(n, float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                            float(w.get("yMax")), w.text or ""))
    return pages, out


def pixel(pdf: Path, page: int, x: float, y: float, workdir: Path, dpi: int = 50) -> tuple[int, int, int]:
    """The colour (R, G, B) of the page at (x, y) points, rendered at ``dpi``."""
    stem = workdir / f"{pdf.stem}-p{page}-{dpi}"
    ppm = Path(f"{stem}.ppm")
    if not ppm.exists():
        run("pdftoppm", "-r", dpi, "-f", page, "-l", page, "-singlefile", pdf, stem)
    data = ppm.read_bytes()
    fields = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    width = int(fields.group(1))
    body = data[fields.end():]
    px, py = int(x * dpi / 72), int(y * dpi / 72)
    i = 3 * (py * width + px)
    return body[i], body[i + 1], body[i + 2]


def fonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts' table: name, type, emb (yes/no) of each font."""
    lines = run("pdffonts", pdf).splitlines()[2:]
    out = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID: emb is the fifth field from the end
        out.append({"name": parts[0], "emb": parts[-5]})
    return out
