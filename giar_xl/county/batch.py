"""``validate DIR --units LIST`` (and ``--annotate-dir``): the returns checked unit by unit.

The per-file results are the same as a plain ``validate DIR``; after them comes one row
per listed unit, the conflicts with their evidence, and — with ``--annotate-dir`` — the
feedback for every unit that must act (``feedback.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..checker.findings import CheckResult, summarize
from ..checker.render import render_text, results_json
from ..errors import GiarError
from ..fileio import check_folder
from ..report import Report
from .collect import FileFacts, examine_all
from .identity import UnitIndex
from .mapping import read_mapping
from .match import PreviousResolver, named
from .table import conflict_lines, file_lines, unit_lines, view_json
from .units import read_units
from .view import CountyView, build_view


@dataclass
class UnitsBatch:
    facts: list[FileFacts]
    view: CountyView
    listed: bool
    last_year: bool = False
    written: list[Path] = field(default_factory=list)

    @property
    def results(self) -> list[CheckResult]:
        return [f.result for f in self.facts if f.result is not None and not f.ignored]

    def text(self) -> str:
        lines = [render_text(self.results).rstrip("\n"), ""]
        lines += unit_lines(self.view, last_year=self.last_year)
        for block in (conflict_lines(self.view), file_lines(self.view)):
            if block:
                lines += ["", *block]
        return "\n".join(lines) + "\n"

    def json(self) -> str:
        doc = results_json(self.results)
        doc.update(view_json(self.view))
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    @property
    def exit_code(self) -> int:
        code = summarize(self.results).exit_code
        return max(code, self.view.exit_code) if self.listed else code


def validate_units(paths: list[Path], *, sources: tuple[str, ...] = (), units_file: str | None,
                   mapping_file: str | None,
                   year: int | None, previous: Report | None, resolver: PreviousResolver | None,
                   previous_error: str | None, annotate_dir: str | None, force: bool,
                   jobs: int | None = None) -> UnitsBatch:
    # everything that can be refused is refused before the first file is read
    if mapping_file and not units_file:
        raise GiarError("--mapping 须与 --units 一起使用：对应表写的是名单中的单位。")
    index = UnitIndex(read_units(units_file)) if units_file else None
    mapping = read_mapping(mapping_file, index) if mapping_file and index is not None else None
    if annotate_dir:
        check_folder(annotate_dir, create_ok=True)
    # the county's own files are no unit's return, even when kept in the returns folder
    own = {Path(f).resolve() for f in (units_file, mapping_file) if f}
    out = Path(annotate_dir).resolve() if annotate_dir else None
    paths = [p for p in paths if p.resolve() not in own and (out is None or out not in p.resolve().parents)]
    facts = examine_all(named(sources, paths), previous=previous, resolver=resolver,
                        previous_error=previous_error, index=index, mapping=mapping, jobs=jobs)
    view = build_view(facts, index=index, mapping=mapping, year=year)
    batch = UnitsBatch(facts, view, index is not None, last_year=resolver is not None)
    if annotate_dir:
        from .feedback import write_feedback

        batch.written = write_feedback(view, annotate_dir, force=force)
    return batch
