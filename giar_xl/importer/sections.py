"""Title, section headings, numbered sub-heads and the closing signature of a published report.

Published reports word their headings a little differently ("五、存在的主要问题及
改进措施", "六、其他需报告的事项") and their sub-heads freely ("（四）公开平台阵地
建设情况"). Headings are matched by their number and similarity to the spec's
heading; sub-heads by the spec part's label, then its keywords. A sub-head that
matches nothing stays in the text, with a note: never moved by guesswork.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..spec import SectionSpec, TextPart
from .document import Para, norm, note

ERROR, HINT = "错误", "提示"
TITLE_RE = re.compile(r"^(.*?)(\d{4})\s*年度?\s*政府信息公开(?:工作)?年度报告")
_SUBHEAD = re.compile(r"^\s*[（(]([一二三四五六七八九十]+)[)）]\s*")
_HEAD_END = "。：:；;"
_MAX_HEAD = 30  # a sub-head longer than this is a sentence, not a head
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_CLOSING = re.compile(r"^\((此件|此页).*\)$")


# "2024年某某镇政府信息公开工作年度报告": the year before the agency
TITLE_YEAR_FIRST = re.compile(r"^(\d{4})\s*年度?\s*(.+?)政府信息公开(?:工作)?年度报告")
# words around the agency in titles as published: "某某局关于2021年度…", "关于印发某某局…的通知"
_TITLE_WORDS = re.compile(r"^(?:关于印发|关于|印发)|(?:关于)$")
# what may follow a title: a closing 》, "的通知", a bracketed note, a site's name after a dash
_TITLE_END = re.compile(r"^\s*(?:》|的通知|[（(][^）)]*[）)])*\s*(?:[-_|｜—–]+[^。]*)?$")


def parse_title(text: str) -> tuple[str, int] | None:
    s = norm(text)
    m = TITLE_RE.match(s)
    if m and m.group(1):
        agency, year = m.group(1), m.group(2)
    else:
        m = TITLE_YEAR_FIRST.match(s)
        if not m:
            return None
        year, agency = m.group(1), m.group(2)
    agency = _TITLE_WORDS.sub("", agency.strip("《》<>:：-_ ")).strip("《》<>:：-_ ")
    # a sentence that mentions the report ("特向社会公布……年度报告。") is not its title
    if not agency or len(agency) > 40 or any(ch in agency for ch in "，。,;；") \
            or not _TITLE_END.match(s[m.end():]):
        return None
    return agency, int(year)


_MIN_HEADING = 0.6  # similarity to the spec's heading, after the section number


def heading_score(text: str, section: SectionSpec) -> float:
    """How much ``text`` looks like the section's heading (0 when it cannot be it)."""
    s = norm(text)
    if len(s) > 40 or not s.startswith(section.number) or len(s) <= len(section.number):
        return 0.0
    rest = s[len(section.number):].lstrip("、.,:：")
    want = norm(section.heading)[len(section.number):].lstrip("、")
    ratio = difflib.SequenceMatcher(None, rest, want).ratio()
    return ratio if ratio >= _MIN_HEADING else 0.0


def heading_index(text: str, sections: tuple[SectionSpec, ...], after: int) -> int | None:
    """The index of the section whose heading ``text`` is, looking only past ``after``."""
    return next((k for k in range(after + 1, len(sections)) if heading_score(text, sections[k])), None)


def find_headings(texts: list[str], sections: tuple[SectionSpec, ...]) -> dict[int, int]:
    """Which lines are the section headings: line index → section index.

    The headings must come in order; among the orders possible, the one that
    finds the most sections and resembles the spec most wins, so a sub-head
    "二、主动公开情况" inside section 一 does not steal section 二's place.
    """
    cands = [(i, k, sc) for i, t in enumerate(texts) for k, sec in enumerate(sections)
             if (sc := heading_score(t, sec))]
    best: list[float] = []
    back: list[int | None] = []
    for j, (i, k, sc) in enumerate(cands):
        total, prev = sc, None
        for jj in range(j):
            if cands[jj][0] < i and cands[jj][1] < k and best[jj] + sc > total:
                total, prev = best[jj] + sc, jj
        best.append(total)
        back.append(prev)
    out: dict[int, int] = {}
    j = max(range(len(cands)), key=best.__getitem__, default=None)
    while j is not None:
        out[cands[j][0]] = cands[j][1]
        j = back[j]
    return out


_NUMBERED = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.．]\s*(.+?)\s*$")
_MIN_CONTENT = 0.8  # a heading recognised by its words alone must be close to the format's


def find_renumbered(texts: list[str], sections: tuple[SectionSpec, ...],
                    found: dict[int, int]) -> dict[int, int]:
    """Section headings numbered unlike the format ("五、信息处理费收取情况" for section 六,
    "六、存在的主要问题和改进情况" for 五), recognised by their words: line → section index.
    Only for sections the numbered headings did not find; the order may differ from the format's."""
    taken = set(found.values())
    out: dict[int, int] = {}
    for i, text in enumerate(texts):
        m = _NUMBERED.match(norm(text))
        if i in found or not m or len(text) > 40:
            continue
        rest = m.group(2)
        for k, section in enumerate(sections):
            if k in taken or section.table is not None:
                continue
            want = norm(section.heading)[len(section.number):].lstrip("、")
            close = difflib.SequenceMatcher(None, rest, want).ratio() >= _MIN_CONTENT
            if close or any(p.label and norm(p.label) == rest for p in section.parts):
                out[i] = k
                taken.add(k)
                break
    return out


def split_subhead(text: str) -> tuple[str, str] | None:
    """"（一）主动公开情况。根据……" → ("主动公开情况", "根据……"); None when not a sub-head."""
    m = _SUBHEAD.match(text)
    if not m:
        return None
    rest = text[m.end():].strip()
    cut = min((i for i in (rest.find(ch) for ch in _HEAD_END) if i >= 0), default=-1)
    if 0 < cut <= _MAX_HEAD:
        return rest[:cut].strip(), rest[cut + 1:].strip()
    if len(rest) <= _MAX_HEAD:
        return rest, ""
    return None


def match_part(head: str, parts: tuple[TextPart, ...]) -> TextPart | None:
    h = norm(head)
    scored = []
    for p in parts:
        if not p.label:
            continue
        lab = norm(p.label)
        score = 10 if lab in h or (len(h) >= 2 and h in lab) else 0
        score += sum(1 for kw in p.keywords + p.phrasings if norm(kw) in h)
        if score:
            scored.append((score, p))
    scored.sort(key=lambda x: -x[0])
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


@dataclass
class SectionText:
    texts: dict[str, str]
    notes: list[dict]


def split_section(section: SectionSpec, paras: list[Para]) -> SectionText:
    """Distribute a narrative section's paragraphs over the spec's parts by their sub-heads."""
    parts = section.parts
    intro = next((p for p in parts if not p.label), None)
    buffers: dict[str, list[str]] = {p.id: [] for p in parts}
    notes: list[dict] = []
    current = (intro or parts[0]).id
    matched: set[str] = set()
    for para in paras:
        sub = split_subhead(para.text)
        if sub is not None:
            head, body = sub
            part = match_part(head, parts)
            if part is not None and part.id not in matched:
                matched.add(part.id)
                current = part.id
                if body:
                    buffers[current].append(body)
                continue
            where = next(p.label or "总述" for p in parts if p.id == current)
            why = "再次出现" if part is not None else "无法对应到本节的标准部分"
            shown = para.text[:para.text.find(head) + len(head)] if head else para.text[:20]
            notes.append(note(HINT, para.pos, f"{section.heading}中的小标题“{shown}”{why}，"
                              f"连同其文字保留在“{where}”中。"))
        buffers[current].append(para.text)
    return SectionText({pid: "\n".join(b) for pid, b in buffers.items()}, notes)


def strip_signature(paras: list[Para], agency: str | None) -> tuple[list[Para], list[str], str | None]:
    """Take the closing lines (agency, date, "（此件主动公开）") off the end of the last section."""
    sig: list[str] = []
    date = None
    keep = list(paras)
    while keep:
        s = norm(keep[-1].text)
        m = _DATE.match(s)
        if m:
            date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        elif not (_CLOSING.match(s) or (agency and s == norm(agency))):
            break
        sig.insert(0, keep.pop().text)
    return keep, sig, date
