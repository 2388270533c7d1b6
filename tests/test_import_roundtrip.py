"""Property: workbook → report → export (HTML, text) → import gives back the same data.

The text goes both ways a report reaches the importer as text: our own plain-text
export (grid tables) and a published page copied into Notepad (export/paste.py).

Needs the workbook builder/reader and the exporter; skipped (not failed) where
one of them is missing.
"""

from __future__ import annotations

import re

import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import balanced_report
from giar_xl import export, reader, template
from giar_xl.export.paste import render_paste_text
from giar_xl.importer import import_report
from giar_xl.report import Report


# report prose: Chinese, digits, Latin, the punctuation clerks use; no whitespace (a page
# collapses it) and no opening bracket (a paragraph starting "（一）" is a sub-head by design)
PROSE = st.text(alphabet=st.sampled_from(list("政府信息公开工作年度报告主动依申请管理平台监督问题整改措施费用"
                                              "我局镇年月日件条一二三四五0123456789abcXYZ，。、；：“”《》%.-/")),
                min_size=1, max_size=40).filter(lambda s: s[0] not in "一二三四五六" or len(s) < 2
                                                 or s[1] not in "、.").filter(
    # a line that is only a date reads as the report's closing date (signature), by design
    lambda s: not re.fullmatch(r"[0-9]+年[0-9]+月[0-9]+日", s))
PARAGRAPHS = st.lists(PROSE, min_size=1, max_size=3).map("\n".join)
AGENCY = st.sampled_from(["测试县某某镇人民政府", "某某市交通运输局", "平潭综合实验区某某片区管理局"])


def _report(seed: int, agency: str, year: int, texts: dict[str, str], published: str | None,
            oddities: bool) -> Report:
    r = balanced_report(seed, agency=agency, year=year)
    r.texts = dict(texts)
    r.published = published
    if oddities:  # what a clerk leaves in cells: the import must keep it for the checker
        rng = random.Random(seed)
        for cid, raw in zip(rng.sample(sorted(r.values), 3), ["/", None, "—"]):
            r.values[cid] = raw
    return r


@st.composite
def reports(draw) -> Report:
    spec = Report.empty().spec
    # every part filled: a section with one titled part prints no sub-head (see export.common)
    # a first line that is the part's own label is the sub-head the clerk typed, dropped on
    # export by design (export.common._strip_own_subhead)
    texts = {p.id: draw(PARAGRAPHS.filter(lambda t, label=p.label: not label or
                                          not t.split("\n")[0].startswith(label)))
             for s in spec.sections for p in s.parts}
    published = draw(st.one_of(st.none(), st.dates().map(lambda d: f"{2022 + d.year % 5}-"
                                                                    f"{d.month:02d}-{d.day:02d}")))
    return _report(draw(st.integers(0, 10_000)), draw(AGENCY), draw(st.integers(2021, 2030)),
                   texts, published, draw(st.booleans()))


def _same(imported: Report, original: Report) -> None:
    assert imported.values == original.values
    for cid, v in original.values.items():
        assert type(imported.values[cid]) is type(v) or isinstance(v, float), cid
    assert imported.texts == original.texts
    assert (imported.agency, imported.year, imported.published) == \
        (original.agency, original.year, original.published)
    assert imported.meta["format_detected"] == "2021"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_workbook_export_import_round_trip(report):
    with tempfile.TemporaryDirectory() as d:
        book = Path(d) / "book.xlsx"
        template.build_workbook(book, report)
        # compared with what the workbook gives back: a blank typed over a total
        # formula comes back computed, which is the workbook's business, not ours
        from_book = reader.read_workbook(book)
        for fmt, suffix in (("html", ".html"), ("txt", ".txt"), ("paste", ".txt")):
            page = Path(d) / f"report-{fmt}{suffix}"
            page.write_bytes(_render(from_book, fmt))
            imported = import_report(page)
            _same(imported, from_book)
            # blanks and "/" are kept, but reported by the checker, not by the import
            assert imported.meta["import_notes"] == [], imported.meta["import_notes"]


def _render(report: Report, fmt: str) -> bytes:
    if fmt == "paste":
        return render_paste_text(report).encode("utf-8")
    return export.export_report(report, fmt)


def test_round_trip_of_the_real_example(example_report, tmp_path):
    for fmt in ("html", "txt", "paste"):
        page = tmp_path / f"r-{fmt}.{'html' if fmt == 'html' else 'txt'}"
        page.write_bytes(_render(example_report, fmt))
        imported = import_report(page)
        assert imported.values == example_report.values
        # a lone titled part (section 六's fee sentence) prints with no sub-head and
        # comes back as that section's first part, which is where it was
        assert imported.texts == example_report.texts
