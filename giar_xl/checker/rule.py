"""A rule of the catalogue, as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..spec import DEFAULT_FORMAT
from .cases import Case
from .findings import Severity

SPEC = DEFAULT_FORMAT  # the format the catalogue is written for


@dataclass(frozen=True)
class Rule:
    """One rule: its code, names, severity, message, the kind that runs it and its two cases."""

    code: str
    slug: str  # readable key for developers and configuration, e.g. "value.placeholder"
    name: str  # readable name for clerks
    severity: Severity
    kind: str  # the function in kinds/narrative that interprets the rule
    summary: str  # what it checks, in Chinese (docs/rules.md)
    template: str  # the finding's message, with named placeholders
    rule_text: str  # the rule itself in one line, shown with every finding
    fail: Case
    passes: Case
    params: dict[str, Any] = field(default_factory=dict)
    # a hint that fires on many real published reports says why that is right (docs/rules.md)
    on_real_reports: str = ""

