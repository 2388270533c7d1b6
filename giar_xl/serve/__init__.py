"""``giar-xl serve``: the checker as a small local web application.

For clerks without Python (WPS users, locked-down desktops): a page to drop a
workbook on, the same JSON as ``validate --format json``, the annotated copy and
the exports as downloads, and the xlwings Server endpoint for the Excel button.
The web layer is thin: every answer comes from the command line's own code,
run in a pool of worker processes (see ``jobs`` and ``pool``).
"""

from .app import BUTTON_PATH, create_app

__all__ = ["BUTTON_PATH", "create_app"]
