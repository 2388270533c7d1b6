"""Which listed unit a returned file belongs to, decided on the evidence the file carries.

A county total must never count a file for the wrong unit. In a trial year units
filled in each other's workbooks, typed their names in every form ("交通运输局"
for 县交通运输局, "财政局（盖章）"), and copied another unit's book under their own
file name. So no single clue decides; three are weighed, strongest first:

1. 分发记录 — what ``distribute`` wrote into the workbook (unit code, name, year);
2. 文件名 — the file's name, less the words clerks add ("2025年报-终稿", "(1)");
3. 封面 — the 机关名称 typed on the cover.

Names are compared after normalisation: full/half width, spaces, brackets and what
they hold (（盖章）), the county's own prefix ("某某县", or just "县"), and the short
forms of the usual long names (``SHORT_FORMS``); the units list may add aliases of
its own. When the clues that name a listed unit do not all name the same one, the
file is a conflict: counted for no one until the officer says whose it is in a
对应表 (``mapping.py``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import GiarError
from .match import stem_key
from .units import Unit, unit_key

RECORD, FILE_NAME, COVER = "分发记录", "文件名", "封面"
SOURCES = (RECORD, FILE_NAME, COVER)

# Long forms in the names of county bodies and the short forms clerks write. Both sides of
# a comparison are reduced to the short form, so "市场监督管理局" and "市场监管局" meet.
# The order matters only where one long form contains another.
SHORT_FORMS = (
    ("人力资源和社会保障", "人社"), ("人力资源社会保障", "人社"),
    ("住房和城乡建设", "住建"), ("住房城乡建设", "住建"),
    ("发展和改革", "发改"), ("发展改革", "发改"),
    ("市场监督管理", "市场监管"),
    ("卫生健康", "卫健"),
    ("交通运输", "交通"),
    ("应急管理", "应急"),
    ("自然资源和规划", "自然资源"),
    ("文化广电和旅游", "文旅"), ("文化广电旅游", "文旅"), ("文化和旅游", "文旅"),
    ("退役军人事务", "退役军人"),
    ("行政审批服务", "行政审批"),
    ("医疗保障", "医保"),
    ("街道办事处", "街道"),
    ("委员会", "委"),
    ("办公室", "办"),
    ("人民政府", "政府"),
)
# levels a county-level prefix ends with ("某某县", "某某区", "某某市", "某某旗")
_LEVELS = ("自治县", "自治旗", "县", "区", "市", "旗")
_BRACKETED = re.compile(r"[（(【\[〔<《][^）)】\]〕>》]*[）)】\]〕>》]")
_SEAL = re.compile(r"(?:盖章|公章|印章|签章)$")
_PUNCT = re.compile(r"[\s\-_—–·•.,，、。:：;；\"'“”‘’]+")
# file names are rough evidence: "城关镇的说明" must not pass for 城关镇, so a file
# name names a unit only when nothing but these words is left around the name
MIN_KEY = 2


def county_prefixes(names: Iterable[str], extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The county's own name as the list writes it before its units ("某某县"), longest first.

    A prefix ending in a level word counts when it starts at least two names and a
    third of the list: a 县直部门 list is "某某县X局" throughout, a township list
    "某某县X镇人民政府".
    """
    keys = [_plain(n) for n in names]
    counts: Counter[str] = Counter()
    for k in keys:
        seen = set()
        for i in range(2, min(len(k), 12)):
            head = k[:i]
            if head.endswith(_LEVELS) and len(k) > i and head not in seen:
                seen.add(head)
                counts[head] += 1
    need = max(2, -(-len(keys) // 3))
    found = {p for p, n in counts.items() if n >= need}
    # "测试县" and "测试县城" both start every 城关镇 name: only the shortest prefix is the county
    found = {p for p in found if not any(q != p and p.startswith(q) for q in found)}
    found |= {_plain(x) for x in extra if _plain(x)}
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


def _plain(text: str | None) -> str:
    t = unicodedata.normalize("NFKC", text or "")
    return _PUNCT.sub("", t).casefold()


def name_keys(text: str | None, prefixes: tuple[str, ...]) -> list[str]:
    """The forms a name is compared in, most specific first (empty: the text names no body)."""
    t = _plain(_BRACKETED.sub("", unicodedata.normalize("NFKC", text or "")))
    t = _SEAL.sub("", t)
    if not t:
        return []
    keys: list[str] = []
    stripped = t
    for p in prefixes:
        if t.startswith(p) and len(t) > len(p):
            stripped = t[len(p):]
            break
    else:
        # "县民政局", "本县民政局": the level word of the county without its name
        for level in {p[-1] for p in prefixes} or {"县"}:
            for head in ("本" + level, level):
                if t.startswith(head) and len(t) - len(head) >= MIN_KEY:
                    stripped = t[len(head):]
                    break
            if stripped != t:
                break
    short = _short(stripped)
    keys.append(short)
    # a township signs as "城关镇" as often as "城关镇人民政府"
    if short.endswith("政府") and len(short) - 2 >= MIN_KEY:
        keys.append(short[:-2])
    return [k for k in dict.fromkeys(keys) if len(k) >= MIN_KEY or k == "政府"]


def _short(text: str) -> str:
    for long, short in SHORT_FORMS:
        text = text.replace(long, short)
    return text


@dataclass(frozen=True, slots=True)
class Evidence:
    """One clue a file gives about whose it is."""

    source: str  # RECORD, FILE_NAME or COVER
    text: str  # what the file says, as it says it
    unit: str | None = None  # the listed unit it names
    candidates: tuple[str, ...] = ()  # several listed units fit it equally

    def describe(self) -> str:
        if self.unit:
            said = self.text if unit_key(self.text) == unit_key(self.unit) else f"{self.text} → {self.unit}"
        elif self.candidates:
            said = f"{self.text}（可能是 {'、'.join(self.candidates)}）"
        else:
            said = f"{self.text}（不在名单中）"
        return f"{self.source}：{said}"


@dataclass
class UnitIndex:
    """The units list, looked up by code, by exact name, and by normalised name."""

    units: list[Unit]
    extra_prefixes: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.prefixes = county_prefixes([u.name for u in self.units], self.extra_prefixes)
        self.by_code = {unit_key(u.code): u for u in self.units if u.code}
        self.by_name = {unit_key(u.name): u for u in self.units}
        self._by_key: dict[str, set[str]] = {}
        self.by_unit = {u.name: u for u in self.units}
        for u in self.units:
            for text in (u.name, *u.aliases, u.previous_name):
                for k in name_keys(text, self.prefixes):
                    self._by_key.setdefault(k, set()).add(u.name)
        self._check_aliases()

    def _check_aliases(self) -> None:
        """An alias that names another unit of the list would send files astray: refuse it."""
        for u in self.units:
            for alias in u.aliases:
                for k in name_keys(alias, self.prefixes)[:1]:
                    others = self._by_key.get(k, set()) - {u.name}
                    if others:
                        other = self.by_unit[sorted(others)[0]]
                        raise GiarError(f"第 {u.row} 行的别名“{alias}”与第 {other.row} 行的“{other.name}”"
                                        "是同一个名称，无法区分这两个单位。请改用更完整的别名。")

    def lookup(self, text: str | None) -> tuple[str | None, tuple[str, ...]]:
        """(the unit a name names, or None; the candidates when several fit)."""
        if not text or not text.strip():
            return None, ()
        exact = self.by_name.get(unit_key(text))
        if exact is not None:
            return exact.name, ()
        for k in name_keys(text, self.prefixes):
            found = self._by_key.get(k, set())
            if len(found) == 1:
                return next(iter(found)), ()
            if len(found) > 1:
                return None, tuple(sorted(found, key=lambda n: self.by_unit[n].row))
        return None, ()

    def record_evidence(self, record: dict) -> Evidence | None:
        """The distribution record: its unit code decides where the list has codes."""
        name = record.get("unit") if isinstance(record.get("unit"), str) else None
        code = record.get("unit_code")
        code = str(code) if isinstance(code, (str, int)) and str(code).strip() else None
        if not name and not code:
            return None
        shown = name or f"编码 {code}"
        by_code = self.by_code.get(unit_key(code)) if code else None
        by_name = self.by_name.get(unit_key(name)) if name else None
        if by_code is not None and (by_name is None or by_name is by_code):
            return Evidence(RECORD, shown, by_code.name)
        if by_code is not None:  # the code says one unit, the name another: the list changed
            return Evidence(RECORD, shown, None, (by_code.name, by_name.name))
        unit, candidates = self.lookup(name)
        return Evidence(RECORD, shown, unit, candidates)

    def evidence(self, record: dict | None, file_name: str | None, cover: str | None) -> list[Evidence]:
        out: list[Evidence] = []
        rec = self.record_evidence(record or {})
        if rec is not None:
            out.append(rec)
        stem = stem_key(file_name) if file_name else ""
        if stem:
            unit, candidates = self.lookup(stem)
            out.append(Evidence(FILE_NAME, file_name or "", unit, candidates))
        if cover and cover.strip():
            unit, candidates = self.lookup(cover)
            out.append(Evidence(COVER, cover.strip(), unit, candidates))
        return out


# what a file's evidence amounts to
LISTED, CONFLICT, OUTSIDE, UNKNOWN = "listed", "conflict", "outside", "unknown"


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str  # LISTED, CONFLICT, OUTSIDE or UNKNOWN (no clue at all)
    unit: str | None  # the listed unit (LISTED only)
    how: str | None  # the clue that named it first
    evidence: tuple[Evidence, ...]
    named: tuple[str, ...] = ()  # every listed unit some clue names (a conflict's parties)

    def notes(self) -> list[str]:
        """Clues that named no listed unit, when the file was still placed: worth a look."""
        if self.kind != LISTED:
            return []
        return [f"{e.describe()}" for e in self.evidence
                if e.unit is None and e.source != FILE_NAME]


def weigh(evidence: list[Evidence]) -> Verdict:
    """The verdict on a file's clues: one listed unit, a conflict, or outside the list.

    A record that names a body outside the list disagrees with a file name or cover
    that names a listed one: that workbook was handed out for someone else. A cover
    that names nobody on the list does not outweigh a record and a file name that
    agree (covers get retyped in every form); it is noted instead.
    """
    ev = tuple(evidence)
    named = tuple(dict.fromkeys(e.unit for e in ev if e.unit))
    record = next((e for e in ev if e.source == RECORD), None)
    if len(named) > 1:
        return Verdict(CONFLICT, None, None, ev, named)
    if any(e.candidates for e in ev) and not named:
        cands = tuple(dict.fromkeys(c for e in ev for c in e.candidates))
        return Verdict(CONFLICT, None, None, ev, cands)
    if named and record is not None and record.unit is None:
        return Verdict(CONFLICT, None, None, ev, named + record.candidates)
    if named:
        how = next(e.source for e in ev if e.unit == named[0])
        return Verdict(LISTED, named[0], how, ev, named)
    if ev:
        return Verdict(OUTSIDE, None, None, ev)
    return Verdict(UNKNOWN, None, None, ev)
