"""The page at ``/``: one HTML file with its CSS and script inline (intranets are offline)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from .. import __version__


@lru_cache(maxsize=1)
def _template() -> str:
    return resources.files(__package__).joinpath("page.html").read_text(encoding="utf-8")


def render_page(formats: list[str], button: bool) -> str:
    """The page, with the export formats this server offers (names and suffixes from the exports)."""
    from ..export import FORMAT_NAMES, SUFFIXES

    config = {"version": __version__, "button": button,
              "formats": [{"format": f, "name": FORMAT_NAMES.get(f, f.upper()),
                           "suffix": SUFFIXES.get(f, "." + f)} for f in formats]}
    # inside <script>: no "</script>" or "<!--" can come out of json.dumps with "<" escaped
    blob = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    return _template().replace("__CONFIG__", blob)
