"""When each unit's report must be published: 《政府信息公开条例》第四十九条, as data.

第四十九条第一款: 县级以上人民政府部门应当在每年 1 月 31 日前向本级政府信息公开工作主管
部门提交本行政机关上一年度政府信息公开工作年度报告并向社会公布。
第二款: 县级以上地方人民政府的政府信息公开工作主管部门应当在每年 3 月 31 日前向社会公布
本级政府上一年度政府信息公开工作年度报告。

Townships and 街道 are not named by the article; they report to the county, which
must publish its own report by 31 March, and counties set them the departments' date.
So in a county's list only the county government's own report has until 31 March.

This module is the one place the rule lives: the checker's C06 (one report, by its
机关名称) and the county's 发布情况 (by the units list's 单位类型, then the name) both
ask ``deadline_for``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..text import parse_date


@dataclass(frozen=True)
class Deadline:
    who: str  # in words, for the summary
    month: int
    day: int
    basis: str

    def date_for(self, report_year: int) -> dt.date:
        return dt.date(report_year + 1, self.month, self.day)

    @property
    def label(self) -> str:
        return f"次年{self.month}月{self.day}日"


DEPARTMENTS = Deadline("县级人民政府部门、乡镇人民政府、街道办事处", 1, 31,
                       "《政府信息公开条例》第四十九条第一款（部门）；乡镇、街道按县里规定同期报送")
GOVERNMENT = Deadline("县级人民政府（本级政府的年度报告）", 3, 31,
                      "《政府信息公开条例》第四十九条第二款")
DEADLINES = (DEPARTMENTS, GOVERNMENT)
# 单位类型 words in a units list that mean the county government's own report
GOVERNMENT_KINDS = ("县政府", "县人民政府", "区政府", "区人民政府", "市政府", "市人民政府", "本级政府",
                    "旗政府", "旗人民政府")

ON_TIME, LATE, NOT_GIVEN, UNCLEAR, NOT_DUE = "按期发布", "逾期发布", "未填发布日期", "发布日期无法识别", "—"


# a county-or-higher government's own report: "某某县人民政府", "某某市某某区人民政府",
# "某某自治州人民政府" (a township's "某某镇人民政府" is not one)
_GOVERNMENT_NAME = re.compile(r"^.+?(?:自治县|自治旗|自治州|县|区|市|旗|州|盟|省|自治区)人民政府$")


def is_government_itself(name: str | None) -> bool:
    """Whether a 机关名称 is a county-or-higher government's own (条例 art. 49(2))."""
    return bool(name) and bool(_GOVERNMENT_NAME.match(re.sub(r"\s+", "", name or "")))


def deadline_for(kind: str | None = None, government_itself: bool = False, *,
                 name: str | None = None) -> Deadline:
    """The rule for one unit: by its 单位类型, because it is the county government itself,
    or (``name``) because its 机关名称 says so."""
    if government_itself or (kind or "").strip() in GOVERNMENT_KINDS or is_government_itself(name):
        return GOVERNMENT
    return DEPARTMENTS


@dataclass(frozen=True, slots=True)
class Publication:
    state: str  # ON_TIME, LATE, NOT_GIVEN, UNCLEAR, or NOT_DUE (no report to judge)
    deadline: Deadline
    published: dt.date | None = None
    days_late: int = 0

    @property
    def text(self) -> str:
        if self.state == LATE:
            return f"逾期 {self.days_late} 天"
        return self.state


def publication(published: object, report_year: int | None, deadline: Deadline) -> Publication:
    if report_year is None:
        return Publication(NOT_DUE, deadline)
    if published is None or (isinstance(published, str) and not published.strip()):
        return Publication(NOT_GIVEN, deadline)
    when = parse_date(published)
    if when is None:
        return Publication(UNCLEAR, deadline)
    due = deadline.date_for(report_year)
    if when > due:
        return Publication(LATE, deadline, when, (when - due).days)
    return Publication(ON_TIME, deadline, when)
