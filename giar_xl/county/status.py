"""The words of the county's per-unit view: a unit's status and what became of each file.

One row per listed unit (and one per body outside the list), in every output:
``validate DIR --units``, ``aggregate``, the summary workbook, the overview page, JSON.
"""

from __future__ import annotations

# a unit's status, in the order the office acts on them
SUBMITTED = "已交"
MISSING = "未交"
HAS_ERRORS = "有错误"
RESUBMIT = "需重报"  # the officer's 对应表 says the file must be sent again (处理: 退回)
CONFLICT = "冲突"  # a file's clues name this unit and another: counted for no one
WRONG_YEAR = "年度不符"
UNREADABLE = "无法读取"
OUTSIDE = "名单外"
UNIT_STATES = (SUBMITTED, MISSING, HAS_ERRORS, RESUBMIT, CONFLICT, WRONG_YEAR, UNREADABLE, OUTSIDE)
# problems first: what the office acts on
STATE_ORDER = {s: i for i, s in enumerate(
    (MISSING, CONFLICT, UNREADABLE, WRONG_YEAR, RESUBMIT, HAS_ERRORS, OUTSIDE, SUBMITTED))}
# what the office does about each (the 催报/退回 list)
ACTION = {MISSING: "催报", HAS_ERRORS: "退回修改", RESUBMIT: "退回重报", WRONG_YEAR: "退回重报",
          UNREADABLE: "退回重报", CONFLICT: "核实文件归属", OUTSIDE: "核实是否应列入名单"}

# what became of a file
USED = "已采用"
OLDER = "较早的文件，未采用"
OTHER_YEAR = "年度不符，未采用"
FILE_CONFLICT = "冲突，未计入"
FILE_OUTSIDE = "名单外，未计入"
EXCLUDED = "对应表：不计入"
RETURNED = "对应表：退回"
IGNORED = "已忽略"
STRAY = "无法读取，未能对应单位"
FILE_ROLES = (USED, OLDER, OTHER_YEAR, FILE_CONFLICT, FILE_OUTSIDE, EXCLUDED, RETURNED, IGNORED, STRAY)

# colour class of a status in the workbook and the page
STATE_CLASS = {SUBMITTED: "ok", MISSING: "bad", HAS_ERRORS: "bad", RESUBMIT: "bad", CONFLICT: "bad",
               WRONG_YEAR: "bad", UNREADABLE: "bad", OUTSIDE: "warn"}
FILLS = {"ok": "E2EFDA", "warn": "FFF2CC", "bad": "FCE4D6", "muted": "EDEDED"}
