"""Every repository path the README and docs/ name exists (issue 15: docs/format.md named a
fixture that was not there)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP = ("docs", "giar_xl", "tests", "scripts", "schemas", "workbook_templates", "examples", ".ci")
_PATH = re.compile(r"`((?:%s)/[^`\s]*)`" % "|".join(re.escape(t) for t in TOP))


def named_paths() -> list[tuple[str, str]]:
    return [(doc.name, m.group(1)) for doc in DOCS for m in _PATH.finditer(doc.read_text("utf-8"))]


@pytest.mark.parametrize("doc, path", named_paths())
def test_named_path_exists(doc, path):
    assert list(ROOT.glob(path.rstrip("/"))), f"{doc} names {path}, which does not exist"


def test_some_paths_are_checked():
    assert len(named_paths()) > 10
