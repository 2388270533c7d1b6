"""Which file belongs to which unit: by 机关名称 first, by file name second.

Clerks rename files ("某镇(1).xlsx", "2025年某镇年报-终稿.xlsx") and, now and
then, the body itself is renamed between years, so neither key is enough alone.
Last year's folder is indexed once by a light read of each file's cover (no
table is parsed); the full report is loaded only for the file a unit matches,
so memory stays flat however many units the county has.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import xlsx
from ..errors import GiarError
from ..inputs import load_report
from ..layout import defined_name, places
from ..reader import NAME_REF
from ..report import Report
from ..spec import DEFAULT_FORMAT
from ..text import readable_path
from .progress import progress
from .units import unit_key

REPORT_SUFFIXES = (".xlsx", ".xlsm", ".json")
# words clerks add to a file name that do not name the unit
_STEM_NOISE = re.compile(
    r"(?:19|20)\d{2}\s*(?:年度报告|年报|年度|年)?|政府信息公开工作年度报告|政府信息公开|年度报告|年报|工作簿|"
    r"[（(]\s*\d+\s*[)）]|[-_ ]*副本|最终版|最新版|终稿|定稿|修改版|修订版|报送版|填报|v\d+|"
    r"[-_ ]*(?:校验|标注|修改后|已修改|更正|重报|上报)",
    re.IGNORECASE)


def stem_key(path: str | Path) -> str:
    """A file name reduced to the unit it names: "2025年某镇年报（1）.xlsx" → "某镇"."""
    stem = Path(path).name
    # any extension: an unreadable "太山乡.xls" still names its unit
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", stem)
    key = unit_key(_STEM_NOISE.sub("", unit_key(stem)))
    return key.strip("-_—.·、 ")


# files the system and office programs leave in a folder: never a report, never an error
_JUNK = (
    (re.compile(r"^~\$"), "Excel/WPS 打开文件时留下的临时文件（~$ 开头）"),
    (re.compile(r"^~WRL\d*\.tmp$", re.IGNORECASE), "Word 保存时留下的临时文件（~WRL….tmp）"),
    (re.compile(r"^thumbs\.db$", re.IGNORECASE), "Windows 的缩略图缓存（Thumbs.db）"),
    (re.compile(r"^desktop\.ini$", re.IGNORECASE), "Windows 的文件夹设置（desktop.ini）"),
    (re.compile(r"^\.DS_Store$"), "macOS 的文件夹设置（.DS_Store）"),
    (re.compile(r"^\._"), "macOS 拷贝时附带的资源文件（._ 开头）"),
)


def junk_reason(path: Path) -> str | None:
    """Why a file in a batch is skipped (Excel owner files, Thumbs.db, …), or None for a candidate.

    The one place that decides it: validate, aggregate, distribute --previous and
    validate --previous all ask here.
    """
    for pattern, reason in _JUNK:
        if pattern.search(path.name):
            return reason
    if "__MACOSX" in path.parts:
        return "macOS 压缩包附带的资源文件夹（__MACOSX）"
    return None


def expand_inputs(sources: Iterable[str | Path], exclude: Iterable[Path] = ()) -> list[Path]:
    """Files given, and every file under folders given (sorted, hidden files skipped).

    Files of any type are returned: the caller lists foreign ones with their reason.
    """
    return list(iter_inputs(sources, exclude))


def iter_inputs(sources: Iterable[str | Path], exclude: Iterable[Path] = ()) -> Iterator[Path]:
    """``expand_inputs`` one file at a time: a folder of 10,000 is listed as names, and each
    path is made only as it is handed over (a batch keeps strings, not paths)."""
    skip = {os.path.realpath(p) for p in exclude}
    seen: set[str] = set()  # the same file given twice (itself and its folder, a link)
    for src in sources:
        p = Path(src)
        names = sorted(_files_under(str(p))) if p.is_dir() else None
        for f in (p / name for name in names) if names is not None else (p,):
            real = os.path.realpath(f)
            if real in skip or real in seen:
                continue
            seen.add(real)
            yield f


def _files_under(top: str, rel: str = "") -> Iterator[str]:
    """Relative paths of the files below ``top``; names starting with "." and their folders are
    skipped, links to folders are not followed (as ``Path.rglob``), unreadable folders pass."""
    try:
        with os.scandir(os.path.join(top, rel) if rel else top) as entries:
            listed = [(e.name, _kind(e)) for e in entries if not e.name.startswith(".")]
    except OSError:
        return
    for name, kind in listed:
        path = os.path.join(rel, name) if rel else name
        if kind == "dir":
            yield from _files_under(top, path)
        elif kind == "file":
            yield path


def _kind(entry: os.DirEntry) -> str:
    try:
        if entry.is_dir(follow_symlinks=False):
            return "dir"
        return "file" if entry.is_file() else ""
    except OSError:
        return ""


def named(sources: Iterable[str | Path], files: Iterable[Path]) -> list[tuple[str, str]]:
    """(path, name) of each file, as strings: the name is how the county's tables show it —
    under a folder given, its path inside that folder ("乡镇/城关镇.xlsx"); a file given by
    itself, as it was given. Strings, not paths: a province's 10,000 are kept while read."""
    folders = [Path(s) for s in sources if Path(s).is_dir()]
    out = []
    for f in files:
        for folder in folders:
            try:
                name = readable_path(f.relative_to(folder))
                break
            except ValueError:
                continue
        else:
            name = readable_path(f)
        out.append((str(f), name))
    return out


@dataclass(frozen=True)
class Entry:
    """One of last year's files, as far as the light read saw it."""

    path: Path
    agency: str | None
    year: int | str | None


@dataclass(frozen=True)
class Match:
    """Last year's file found for a unit, and how; or why none was."""

    entry: Entry | None
    how: str | None = None  # "机关名称", "文件名", "上年名称"
    problem: str | None = None  # why there is no match, when there is none


def light_cover(path: Path) -> tuple[str | None, int | str | None]:
    """(机关名称, 报告年度) without parsing the tables. Raises GiarError when unreadable."""
    if path.suffix.lower() == ".json":
        from ..report import load_json_report

        r = load_json_report(path)
        return r.agency, r.year
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        load_report(path)  # raises the reader's own advice for .xls/.et/…
        raise GiarError("不是报告文件（可用：.xlsx、.xlsm、.json）。", file=str(path))
    spec = DEFAULT_FORMAT
    where = places(spec)
    data = xlsx.load(path, wanted={spec.cover_sheet})
    out: list[object] = []
    for pid in ("cover.agency", "cover.year"):
        sheet, address = where[pid].sheet, where[pid].address
        m = NAME_REF.match(data.defined_names.get(defined_name(pid), ""))
        if m:
            sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
            address = f"{m.group(3)}{m.group(4)}"
        cell = data.sheets.get(sheet, xlsx.SheetData(sheet, "visible")).cells.get(address)
        v = None if cell is None or cell.value in (None, "") else cell.value
        out.append(int(v) if isinstance(v, float) and v.is_integer() else v)
    if spec.cover_sheet not in data.sheets and not any(n.startswith("giar_") for n in data.defined_names):
        raise GiarError("这不是 giar-xl 标准工作簿（找不到封面和单元格标记）。", file=str(path))
    agency, year = out
    return (None if agency is None else str(agency)), year


@dataclass
class PreviousIndex:
    """Last year's reports, indexed by 机关名称 and by file name."""

    entries: list[Entry] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    used: set[Path] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._by_agency: dict[str, list[Entry]] = {}
        self._by_stem: dict[str, list[Entry]] = {}
        for e in self.entries:
            self._add(e)

    def _add(self, e: Entry) -> None:
        if e.agency:
            self._by_agency.setdefault(unit_key(e.agency), []).append(e)
        self._by_stem.setdefault(stem_key(e.path), []).append(e)

    @classmethod
    def scan(cls, sources: Iterable[str | Path], *, label: str = "读取上年报告") -> PreviousIndex:
        files = expand_inputs(sources)
        index = cls()
        with progress(files, label) as bar:
            for f in bar:
                if junk_reason(f):
                    continue
                try:
                    agency, year = light_cover(f)
                except GiarError as e:
                    index.unreadable.append((f, e.message))
                    continue
                except Exception as e:  # a damaged file must not stop the run
                    index.unreadable.append((f, f"读取时出错（{type(e).__name__}）"))
                    continue
                entry = Entry(f, agency, year)
                index.entries.append(entry)
                index._add(entry)
        return index

    def find(self, agency: str | None, path: str | Path | None = None,
             alias: str | None = None, alias_how: str = "上年名称") -> Match:
        """Last year's file for a unit: by its name, its file name, then its former name."""
        attempts: list[tuple[str, dict[str, list[Entry]], str]] = []
        if agency:
            attempts.append(("机关名称", self._by_agency, unit_key(agency)))
        if path is not None and stem_key(path):
            attempts += [("文件名", self._by_agency, stem_key(path)),
                         ("文件名", self._by_stem, stem_key(path))]
        if agency:
            attempts.append(("文件名", self._by_stem, unit_key(agency)))
        if alias:
            attempts += [(alias_how, self._by_agency, unit_key(alias)),
                         (alias_how, self._by_stem, unit_key(alias))]
        for how, table, key in attempts:
            found = table.get(key, []) if key else []
            if len(found) == 1:
                self.used.add(found[0].path)
                return Match(found[0], how)
            if len(found) > 1:
                names = "、".join(readable_path(e.path.name) for e in found)
                return Match(None, problem=f"上年有 {len(found)} 个文件都对应“{agency or key}”（{names}），无法确定用哪一个")
        return Match(None, problem="上年报告中没有机关名称或文件名相符的")

    def load(self, entry: Entry) -> Report:
        return load_report(entry.path)

    def unused(self) -> list[Entry]:
        return [e for e in self.entries if e.path not in self.used]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)



@dataclass(frozen=True)
class LastYear:
    """Which of last year's files a report was matched with (plain data: it crosses processes)."""

    file: str | None
    how: str | None
    problem: str | None


class PreviousResolver:
    """For ``validate DIR --previous LAST_DIR``: last year's report for each file checked.

    Called with each this-year report and its path; returns last year's Report or
    None, and remembers which files it could not match (and why) for the summary.
    """

    def __init__(self, sources: Iterable[str | Path]):
        self.index = PreviousIndex.scan(sources)
        self.matched: list[tuple[str, Path, str]] = []  # (this file, last year's file, how)
        self.unmatched: list[tuple[str, str]] = []  # (this file, why)

    def __call__(self, report: Report, path: str | Path) -> Report | None:
        last, found = self.lookup(report, path)
        self.record(path, found)
        return last

    def lookup(self, report: Report, path: str | Path,
               unit: tuple[str, str | None] | None = None) -> tuple[Report | None, LastYear]:
        """Last year's report for this file, and how it was found (or why not), without recording it.

        ``unit``: (name, former name) of the listed unit the file was found to be (``--units``):
        tried when the report's own names find nothing ("交通运输局" typed on the cover).
        """
        # distribute records which of last year's reports it carried over from: follow it,
        # so a body renamed since last year is still matched
        alias = report.meta.get("previous_agency") if isinstance(report.meta, dict) else None
        m = self.index.find(report.agency, path, alias=alias if isinstance(alias, str) else None,
                            alias_how="分发时记录的上年名称")
        if m.entry is None and unit is not None:
            listed = self.index.find(unit[0], None, alias=unit[1], alias_how="单位名单的上年名称")
            if listed.entry is not None:
                m = Match(listed.entry, "单位名单" if listed.how == "机关名称" else listed.how)
        if m.entry is None:
            return None, LastYear(None, None, m.problem or "")
        try:
            last = self.index.load(m.entry)
        except GiarError as e:
            return None, LastYear(None, None,
                                  f"上年报告“{readable_path(m.entry.path.name)}”无法读取：{e.message}")
        return last, LastYear(str(m.entry.path), m.how or "", None)

    def record(self, path: str | Path, found: LastYear) -> None:
        """Remember one file's match for the summary (in the main process, whoever looked it up)."""
        if found.file is None:
            self.unmatched.append((readable_path(path), found.problem or ""))
        else:
            self.matched.append((readable_path(path), Path(found.file), found.how or ""))

    def summary_lines(self) -> list[str]:
        lines = [f"上年报告：已对应 {len(self.matched)} 个文件，未能对应 {len(self.unmatched)} 个。"]
        lines += [f"  未能对应：{f}（{why}）" for f, why in self.unmatched]
        lines += [f"  按{how}对应：{f} ← {readable_path(last.name)}" for f, last, how in self.matched if how != "机关名称"]
        lines += [f"  上年文件无法读取：{readable_path(p.name)}（{why}）" for p, why in self.index.unreadable]
        return lines
