"""Rule kinds for the cover, the narrative sections and the comparison with last year."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import similarity as likeness
from ..formula import exact
from ..text import parse_date
from .context import CheckContext, is_number, show, tidy_sum
from .findings import Finding
from .kinds import kind

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_YEAR = re.compile(r"^\s*(\d{4})\s*(年|年度)?\s*$")


def cn_number(text: str) -> int | None:
    """Digits or a simple Chinese numeral (as written in reports: 三, 十二, 一百零五) to int."""
    t = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if t.isdigit():
        return int(t)
    total, current = 0, 0
    for ch in t:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def report_year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == int(value):
        return int(value)
    if isinstance(value, str):
        m = _YEAR.match(value)
        return int(m.group(1)) if m else None
    return None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# ---------------------------------------------------------------- cover
@kind("cover")
def cover(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    test = rule.params["test"]
    r = ctx.report
    year = report_year(r.year)
    field = {"agency": "cover.agency", "published_invalid": "cover.published",
             "published_late": "cover.published",
             "published_missing": "cover.published"}.get(test, "cover.year")
    if ctx.unreadable(field):
        return  # the cover sheet is missing: reported once, as structure
    if test == "agency":
        if _blank(r.agency):
            yield ctx.finding(rule, rid="cover.agency", actual=r.agency)
    elif test == "year_missing":
        if year is None:
            rec = r.cells.get("cover.year")
            what = f"日期 {r.year}（单元格被当作日期）" if rec is not None and rec.is_date else show(r.year)
            yield ctx.finding(rule, rid="cover.year", actual=r.year, what=what)
    elif test == "year_future":
        if year is not None and year > ctx.today.year:
            yield ctx.finding(rule, rid="cover.year", expected=ctx.today.year, actual=year)
    elif test == "year_early":
        first = rule.params["first_year"]
        if year is not None and year < first:
            yield ctx.finding(rule, rid="cover.year", expected=first, actual=year, first=first)
    elif test == "year_distributed":
        wanted = report_year(r.meta.get("distributed_for"))
        if wanted is not None and year is not None and year != wanted:
            yield ctx.finding(rule, rid="cover.year", expected=wanted, actual=year)
    elif test == "published_missing":
        # a page read back from a website is published already: its date is the site's
        if _blank(r.published) and not r.meta.get("imported_from"):
            yield ctx.finding(rule, rid="cover.published", actual=r.published)
    elif test in ("published_invalid", "published_late"):
        if _blank(r.published):
            return  # optional: filled in on publication
        when = parse_date(r.published)
        if test == "published_invalid":
            # a report year in the future is its own finding (C03): not compared again here
            too_early = (when is not None and year is not None and year <= ctx.today.year
                         and when.year <= year)
            if when is None or too_early or when > ctx.today:
                yield ctx.finding(rule, rid="cover.published", actual=r.published,
                                  expected=f"{year + 1}年内的日期" if year else "年-月-日")
        elif when is not None and year is not None and when.year == year + 1 and when <= ctx.today:
            # 条例 art. 49, as the county's 发布情况 reads it (one rule: county/deadlines.py)
            from ..county.deadlines import deadline_for

            rule_for = deadline_for(name=r.agency)
            deadline = rule_for.date_for(year)
            if when > deadline:
                yield ctx.finding(rule, rid="cover.published", expected=deadline.isoformat(),
                                  actual=r.published, deadline=f"{rule_for.month}月{rule_for.day}日",
                                  who=rule_for.who)


# ---------------------------------------------------------------- narrative
def _part_section(ctx: CheckContext, part_id: str) -> tuple[Any, Any]:
    for section in ctx.spec.sections:
        for part in section.parts:
            if part.id == part_id:
                return section, part
    raise KeyError(part_id)


@kind("required_text")
def required_text(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    """A required part is empty and the rest of its section does not cover its topic.

    A topic is covered when any of its keywords occurs anywhere in the section (reports
    write a topic under their own sub-heads). An empty part whose topic nothing in the
    section even suggests is a gap (N01, 错误). When only looser phrasings occur, or the
    section is one text with no sub-parts (a report imported from a page), nobody can be
    sure: N07 (提示) asks the clerk to check. ``params["unsure"]`` selects which of the two
    this rule reports.
    """
    for section in ctx.spec.sections:
        whole = ctx.section_text(section.key)
        required = [p for p in section.parts
                    if p.required and not ctx.unreadable(p.id)]
        as_one_text = bool(whole.strip()) and all(_blank(ctx.report.texts.get(p.id))
                                                  for p in required)
        for part in required:
            if not _blank(ctx.report.texts.get(part.id)):
                continue
            if any(k in whole for k in part.keywords):
                continue
            seen = [w for w in part.phrasings if w in whole]
            if bool(seen or as_one_text) != rule.params.get("unsure", False):
                continue
            how = (f"，本部分只见到“{'”“'.join(seen)}”等相近的说法" if seen
                   else f"，整段文字中也未见关键词（{'、'.join(part.keywords)}）" if as_one_text else "")
            yield ctx.finding(rule, rid=part.id, expected=part.hint, actual=None,
                              part=part.label or section.heading, hint=part.hint, how=how)


@kind("section_mentions")
def section_mentions(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    """A section says nothing about a topic the format asks for ([R] items: warnings)."""
    section, part = _part_section(ctx, rule.params["part"])
    whole = ctx.section_text(section.key)
    if ctx.unreadable(part.id):
        return
    if not any(k in whole for k in part.keywords):
        yield ctx.finding(rule, rid=part.id, expected=part.hint,
                          actual=ctx.report.texts.get(part.id) or None,
                          section=section.heading, part=part.label, hint=part.hint)


@kind("mentions_all")
def mentions_all(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    """For a 人民政府, section 一 names every topic the format asks of a government."""
    if not (ctx.report.agency or "").strip().endswith(rule.params["agency_suffix"]):
        return
    section, part = _part_section(ctx, rule.params["part"])
    if ctx.unreadable(part.id):
        return
    whole = ctx.section_text(section.key)
    missing = [name for name, words in rule.params["topics"] if not any(w in whole for w in words)]
    if missing:
        yield ctx.finding(rule, rid=part.id, expected="、".join(n for n, _ in rule.params["topics"]),
                          actual=ctx.report.texts.get(part.id) or None, missing="、".join(missing))


@dataclass(frozen=True)
class Quote:
    """A figure the narrative quotes, and the table figures it may stand for."""

    part: str  # text part id
    text: str  # the words as written, e.g. "本年新收政府信息公开申请5件"
    said: int
    meanings: tuple[tuple[str, ...], ...]  # each a set of cells whose sum the number may be


def quotes(ctx: CheckContext, rule: Any) -> list[Quote]:
    """Every figure the narrative quotes in a way the rule's params describe."""
    gap = rule.params["gap"]
    numeral = r"([0-9０-９]+|[零〇一二两三四五六七八九十百千]+)"
    out: list[Quote] = []
    for _, words, need, avoid, meanings in rule.params["quotes"]:
        # reports count applications in 件 (or 份) and cases also in 起 or 宗
        pattern = re.compile(f"(?:{words})({gap}){numeral}\\s*[件份起宗]")
        for section in ctx.spec.sections:
            for part in section.parts:
                for m in pattern.finditer(ctx.report.texts.get(part.id) or ""):
                    between = m.group(1)
                    if (need and not re.search(need, between)) or (avoid and re.search(avoid, between)):
                        continue
                    said = cn_number(m.group(2))
                    if said is not None:
                        out.append(Quote(part.id, m.group(0), said, meanings))
    return out


@kind("quoted_numbers")
def quoted_numbers(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    """Numbers quoted in the narrative (本年新收 … 件) against the tables."""
    for q in quotes(ctx, rule):
        sums = []
        for ids in q.meanings:
            values = [ctx.claimed(x) for x in ids]
            if any(v is None for v in values):
                break
            sums.append(tidy_sum(values))
        else:
            if q.said not in sums:
                yield ctx.finding(rule, rid=q.part, expected=sums[0], actual=q.said, quote=q.text)


@kind("fee_notice")
def fee_notice(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    unpaid = ctx.claimed(rule.params["row"])
    part_id = rule.params["part"]
    section, _ = _part_section(ctx, part_id)
    whole = ctx.section_text(section.key)
    m = re.search(rule.params["none_charged"], whole)
    if unpaid and unpaid > 0 and m:
        yield ctx.finding(rule, rid=part_id, expected=None, actual=m.group(0), count=unpaid)


# ---------------------------------------------------------------- across years
def last_year(ctx: CheckContext, cid: str) -> float | None:
    """Last year's figure: from the previous report if given, else kept in this one."""
    if ctx.previous is not None:
        v = CheckContext(ctx.previous, today=ctx.today).claimed(cid)
    else:
        v = ctx.report.previous.get(cid)
    return v if is_number(v) else None


@kind("carry_over")
def carry_over(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    for this_id, last_id in rule.params["pairs"]:
        this, last = ctx.claimed(this_id), last_year(ctx, last_id)
        if this is not None and last is not None and exact(this) != exact(last):
            yield ctx.finding(rule, rid=this_id, expected=last, actual=this)


@kind("in_force")
def in_force(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    for in_force_id, issued_id, repealed_id in rule.params["rows"]:
        last = last_year(ctx, in_force_id)
        now = [ctx.claimed(x) for x in (in_force_id, issued_id, repealed_id)]
        if last is None or any(v is None for v in now):
            continue
        expected = tidy_sum([last, now[1], -now[2]])
        if exact(expected) != exact(now[0]):
            yield ctx.finding(rule, rid=in_force_id, expected=expected, actual=now[0],
                              last=last, issued=now[1], repealed=now[2])


@kind("similarity")
def same_as_last_year(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    if ctx.previous is None:
        return
    threshold, min_chars = rule.params["threshold"], rule.params["min_chars"]
    for key in rule.params["sections"]:
        section = next(s for s in ctx.spec.sections if s.key == key)
        now = ctx.section_text(key)
        last = CheckContext(ctx.previous, today=ctx.today).section_text(key)
        if len(likeness.words(now)) < min_chars:
            continue  # a short "无" is alike every year without being copied
        ratio = likeness.similarity(now, last)
        if ratio is not None and ratio >= threshold:
            first = next((p.id for p in section.parts if ctx.report.texts.get(p.id)),
                         section.parts[0].id)
            yield ctx.finding(rule, rid=first, row_label=section.heading, col_label="全文",
                              expected=f"低于 {likeness.percent(threshold)}", actual=likeness.percent(ratio),
                              section=section.heading, ratio=likeness.percent(ratio))


@kind("previous_year")
def previous_year(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    """Last year's report is for the year before this one. Which file is off: this one when
    its year is last year's too (a workbook sent back a second time) or differs from the year
    it was distributed for (C08 says so); otherwise the one given as last year's."""
    if ctx.previous is None:
        return
    this, last = report_year(ctx.report.year), report_year(ctx.previous.year)
    if this is None or last is None or last == this - 1:
        return
    distributed = report_year(ctx.report.meta.get("distributed_for"))
    this_is_off = this == last or (distributed is not None and this != distributed)
    if rule.params["this_file"] != this_is_off:
        return
    if this_is_off and this != last:
        return  # the workbook's own record already names the wrong year (C08)
    expected = this - 1 if not this_is_off else last + 1
    yield ctx.finding(rule, rid="cover.year", expected=expected, actual=this if this_is_off else last,
                      last=last)


@kind("previous_unreadable")
def previous_unreadable(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    """Last year's file was given but could not be read: this year's is checked all the same."""
    if ctx.previous_error:
        yield ctx.finding(rule, sheet=None, cell=None, actual=None, why=ctx.previous_error)
