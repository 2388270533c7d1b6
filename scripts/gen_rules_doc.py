#!/usr/bin/env python3
"""Regenerate what the rule catalogue publishes: docs/rules.md (with each hint's hit rate over
the real reports in tests/fixtures/real) and findings.schema.json (schemas/ and its packaged
copy giar_xl/schemas/).

With --check, write nothing and exit 1 when either committed copy is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from giar_xl.checker.docs import RULES_DOC, render_rules_doc  # noqa: E402
from giar_xl.schema import PACKAGED_SCHEMA_DIR, SCHEMA_DIR, render_schemas  # noqa: E402
from real_corpus import hint_hit_rates  # noqa: E402  (the real reports the tests keep)

SCHEMA = "findings.schema.json"


def main(argv: list[str]) -> int:
    wanted = {RULES_DOC: render_rules_doc(hint_hit_rates()), SCHEMA_DIR / SCHEMA: render_schemas()[SCHEMA],
              PACKAGED_SCHEMA_DIR / SCHEMA: render_schemas()[SCHEMA]}
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text("utf-8") != text]
    if "--check" in argv:
        for p in stale:
            print(f"stale: {p} (run scripts/gen_rules_doc.py)")
        return 1 if stale else 0
    for p in stale:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(wanted[p], "utf-8")
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
