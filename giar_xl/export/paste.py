"""Plain text shaped like a report copied from a government website (not an export format).

What a clerk gets when copying a published report page into Notepad: the
importer reads this shape (``importer/text.py``), and this renderer makes it
from any report, so that the import of pasted pages is tested on generated
reports too (tests/test_import_roundtrip.py), not only on the few real pages.
The published export is ``export/text.py``, a readable report.

The shape follows the published tests/fixtures/shizhuang-2024.txt:

- the title, then each section heading on its own line after a blank line;
- narrative: one paragraph per line, numbered sub-heads （一）… on lines of their own;
- tables: every grid row starts with a blank line, then one line per cell, the
  cell's text prefixed by a tab; a cell covered by a row span from above is an
  empty entry (a lone tab), a column covered by a column span gives no line;
  two more blank lines after the table.
"""

from __future__ import annotations

from ..report import Report
from .common import cell_text, narrative_blocks, report_title, signature_lines, text_row_entries


def render_paste_text(report: Report) -> str:
    spec = report.spec
    lines: list[str] = [report_title(report)]
    for section in spec.sections:
        lines += ["", section.heading]
        if section.table is not None:
            table = section.table
            for r in range(table.n_rows):
                lines.append("")
                for g in text_row_entries(table, r):
                    # a label never holds a line break here; a value may be text typed
                    # by the clerk, which must not break the one-cell-per-line shape
                    text = "" if g is None else " ".join(cell_text(report, g).split())
                    lines.append("\t" + text)
            lines += ["", ""]
            continue
        for block in narrative_blocks(report, section):
            if block.subhead:
                lines.append(block.subhead)
            lines.extend(block.paragraphs)
    sig = signature_lines(report)
    if sig:
        lines += [""] + sig
    return "\n".join(lines) + "\n"

