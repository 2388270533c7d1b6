#!/usr/bin/env python3
"""Regenerate docs/rules.md from the rule catalogue; with --check, only say whether it is stale."""

from __future__ import annotations

import sys

from giar_xl.checker.docs import RULES_DOC, render_rules_doc, write_rules_doc


def main(argv: list[str]) -> int:
    if "--check" in argv:
        fresh = RULES_DOC.exists() and RULES_DOC.read_text("utf-8") == render_rules_doc()
        print("docs/rules.md is up to date" if fresh else "docs/rules.md is stale: run scripts/gen_rules_doc.py")
        return 0 if fresh else 1
    print(f"wrote {write_rules_doc()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
