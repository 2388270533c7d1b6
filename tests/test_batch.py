"""The worker pool of batch runs (issue 13): order, streaming, failures, crashes, Ctrl-C.

Worker functions live in tests/batch_helpers.py (spawned workers import them).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from giar_xl import batch
from giar_xl.batch import Failed, map_files
from giar_xl.template import build_workbook

import batch_helpers as h
from conftest import balanced_report, run_cli

ROOT = Path(__file__).resolve().parent.parent


def test_results_in_input_order_from_several_workers():
    items = list(range(60))
    pids = set(map_files(h.worker_pid, items, 2))
    assert len(pids) == 2 and os.getpid() not in pids  # really two worker processes
    assert list(map_files(h.square, items, 2)) == [x * x for x in items]


def test_few_items_run_here_unless_jobs_are_given():
    assert set(map_files(h.worker_pid, [1, 2, 3])) == {os.getpid()}
    assert os.getpid() not in set(map_files(h.worker_pid, [1, 2, 3], 2))
    assert list(map_files(h.square, [], 2)) == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_item_becomes_its_result_and_the_batch_goes_on(jobs):
    out = list(map_files(h.picky, [5, 6, 7, 8], jobs))
    assert out[:2] == [25, 36] and out[3] == 64
    assert out[2] == Failed(7, "ValueError: 七")
    assert list(map_files(h.picky, [6, 7], jobs, on_error=h.as_error)) == [36, "7: 七"]


def test_a_worker_that_dies_costs_only_its_own_item():
    items = list(range(40))
    out = list(map_files(h.picky, items, 2, on_error=h.as_error))
    assert out[13] == f"13: {batch.WORKER_DIED}"
    assert out[7] == "7: 七"
    assert [out[i] for i in items if i not in (7, 13)] == [i * i for i in items if i not in (7, 13)]


def test_results_stream_while_the_workers_are_bounded_ahead(tmp_path):
    """The first result arrives before the batch is done, and the workers run only a window
    ahead of the reader: memory does not grow with the number of files."""
    items = list(range(400))
    results = map_files(h.Marking(str(tmp_path)), items, 2)
    assert next(results) == 0
    started = len(list(tmp_path.iterdir()))
    size = batch._chunk_size(len(items), 2)
    assert started <= (2 * batch.IN_FLIGHT + 1) * size < len(items)
    assert list(results) == items[1:]


def test_default_jobs_are_the_cores_we_may_use():
    assert 1 <= batch.default_jobs() <= (os.cpu_count() or 1)


# ------------------------------------------------------------------ the commands
@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """A folder of 24 returned workbooks: clean ones, one with an error, one damaged."""
    d = tmp_path_factory.mktemp("county") / "回收"
    d.mkdir()
    for i in range(22):
        build_workbook(d / f"单位{i:02d}.xlsx", balanced_report(i, agency=f"测试县第{i:02d}单位"))
    wrong = balanced_report(40, agency="测试县出错单位")
    wrong.values["t3.new.natural"] += 5
    build_workbook(d / "出错单位.xlsx", wrong)
    (d / "损坏.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 200)
    return d


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_folder_same_output_with_any_number_of_workers(county, tmp_path, fmt):
    runs = {}
    for jobs in ("1", "2"):
        code, out, err = run_cli("validate", county, "--format", fmt, "--jobs", jobs)
        runs[jobs] = (code, out)
        out_file = tmp_path / f"结果{jobs}.{fmt}"
        assert run_cli("validate", county, "--format", fmt, "--jobs", jobs, "-o", out_file)[0] == code
        assert out_file.read_text("utf-8") == out
    assert runs["1"] == runs["2"]
    code, out = runs["2"]
    assert code == 2  # the damaged file: exit 2, after every other file was checked
    assert "损坏.xlsx" in out and "出错单位.xlsx" in out and "单位21.xlsx" in out


def test_validate_output_is_what_the_renderers_give(county):
    """Written file by file, the output is byte for byte what render_text/render_json make."""
    from giar_xl.checker import render_json, render_text
    from giar_xl.commands.validate import check_file

    files = sorted(str(p) for p in county.iterdir())
    results = [check_file(f, None) for f in files]
    assert run_cli("validate", county, "--jobs", "2")[1] == render_text(results)
    assert run_cli("validate", county, "--jobs", "2", "--format", "json")[1] == render_json(results)


def test_aggregate_same_workbook_with_any_number_of_workers(county, tmp_path):
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"汇总{jobs}.xlsx"
        code, text, err = run_cli("aggregate", county, "-o", out, "--jobs", jobs)
        assert code == 2 and "损坏.xlsx" in text, text + err  # listed as 无法读取, the rest summed
        assert "已汇总 22 个单位" in text
        outs.append((out.read_bytes(), out.with_suffix(".html").read_text("utf-8").replace(out.stem, "")))
    assert outs[0] == outs[1]


# ------------------------------------------------------------------ Ctrl-C
@pytest.fixture(scope="module")
def big_folder(tmp_path_factory, county):
    """Enough workbooks that a batch is still running when Ctrl-C comes."""
    d = tmp_path_factory.mktemp("big") / "回收"
    d.mkdir()
    one = (county / "单位01.xlsx").read_bytes()
    for i in range(3000):
        (d / f"单位{i:04d}.xlsx").write_bytes(one)
    return d


def _procs_with(mark: str) -> list[int]:
    found = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if mark.encode() in (p / "environ").read_bytes():
                    found.append(int(p.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("command, group, after", [
    ("validate", False, 1.0), ("aggregate", False, 1.0), ("validate", True, 1.0),
    ("validate", True, 0.0), ("aggregate", True, 0.01), ("validate", True, 0.03)])
def test_ctrl_c_stops_the_pool_cleanly(big_folder, tmp_path, command, group, after):
    """SIGINT to the command alone, or (``group``) to it and its workers, as a terminal's
    Ctrl-C does, ``after`` seconds from the workers' appearance (0: while they start up):
    exit 2 with "已中止。", no traceback, no output, no temporary file, no worker left."""
    out = tmp_path / ("结果.txt" if command == "validate" else "汇总.xlsx")
    mark = f"GIAR_TEST_{uuid.uuid4().hex}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), **{mark: "1"})
    proc = subprocess.Popen([sys.executable, "-m", "giar_xl", command, str(big_folder), "-o", str(out),
                             "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(_procs_with(mark)) < 3 and time.monotonic() < deadline:  # the command and two workers
        time.sleep(0.05)
    assert len(_procs_with(mark)) >= 3, "the pool did not start"
    time.sleep(after)
    assert proc.poll() is None, "the batch finished before Ctrl-C"
    if group:
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2, stdout + stderr
    assert "已中止。" in stderr and "Traceback" not in stdout + stderr, stderr
    assert not out.exists() and not out.with_suffix(".html").exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left beside the output
    deadline = time.monotonic() + 10
    while _procs_with(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _procs_with(mark) == []  # no worker left behind


# ------------------------------------------------------------------ start-up
def test_help_imports_no_command_module():
    code = ("import sys; from giar_xl.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in sys.modules if m.startswith('giar_xl.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr
    assert "validate" in out.stdout and "汇总各单位工作簿" in out.stdout


def test_help_list_is_what_each_command_says_of_itself():
    import importlib

    import click

    from giar_xl.cli import COMMANDS, summary
    from giar_xl.click_zh import short_help

    for name, module in COMMANDS.items():
        cmd = importlib.import_module(f"giar_xl.commands.{module}").command
        assert isinstance(cmd, click.Command)
        assert summary(name) == short_help(cmd), name


def test_workers_that_cannot_start_leave_the_batch_to_this_process(tmp_path):
    """``python -`` (a script on stdin): spawned workers cannot import its main module again.
    The batch notices once and runs here instead of failing every item."""
    code, out = h.on_stdin_main(str(tmp_path))
    assert code == 0 and out.strip() == "[25, '7: 七', 64]", out


def test_last_years_folder_is_matched_the_same_in_workers(county, tmp_path):
    """``--previous DIR``: each worker matches on its own copy of the index; the summary of
    matches the command prints is the same as with one process."""
    last = tmp_path / "上年"
    last.mkdir()
    for i in (1, 2, 3):
        build_workbook(last / f"上年{i}.xlsx", balanced_report(100 + i, agency=f"测试县第{i:02d}单位", year=2024))
    runs = [run_cli("validate", county, "--previous", last, "--jobs", jobs) for jobs in ("1", "2")]
    assert runs[0] == runs[1]
    code, out, err = runs[1]
    assert "上年报告：已对应 3 个文件" in err, err
