"""`board bench` in its smallest configuration: it runs the real board in a child process and
reports every figure with a verdict per target. Behaviour only: no duration is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from board.bench.figures import FIGURES, percentile, verdicts
from board.bench.soak import HISTORY, SOAK_FIGURES
from tests.conftest import TODAY

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def run_bench(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, BOARD_LANG="en")
    return subprocess.run(
        [sys.executable, "-m", "board", "bench", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )


def test_small_bench_reports_every_figure_with_a_verdict(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = run_bench(
        "--sizes",
        "30",
        "--writes",
        "5",
        "--idle-seconds",
        "1",
        "--key-rounds",
        "1",
        "--soak-minutes",
        "0.05",
        "--today",
        TODAY.isoformat(),
        "--json",
        "--out",
        str(out),
        "--keep",
        str(tmp_path / "work"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert json.loads(out.read_text(encoding="utf-8")) == result
    assert isinstance(result["pass"], bool)
    assert result["settings"]["writes"] == 5
    [size] = result["sizes"]
    assert size["size"] == 30
    assert size["details"]["database"]["projects"] == 30
    assert size["details"]["database"]["departments"] == 40
    figures = size["figures"]
    assert set(figures) == {fig.key for fig in FIGURES}
    for key, fig in figures.items():
        # Every figure was measured (a timed-out one would be None and fail its target).
        assert isinstance(fig["measured"], (int, float)), key
        assert fig["measured"] >= 0, key
        if fig["target"] is None:
            assert fig["pass"] is None, key
        else:
            assert isinstance(fig["pass"], bool), key
    assert {k for k, f in figures.items() if f["target"] is not None} == {
        "write_p50_ms",
        "write_p95_ms",
        "burst_settle_ms",
        "cold_start_s",
        "key_move_ms",
        "key_filter_ms",
        "key_detail_ms",
        "idle_cpu_pct",
        "peak_rss_mb",
    }
    assert figures["poll_write_p50_ms"]["target"] is None
    assert size["details"]["writes"]["n"] == 5
    # Cold start is the median of three separate starts, each of which reached a full screen.
    runs = size["details"]["cold_start"]["runs_s"]
    assert len(runs) == 3 and all(r > 0 for r in runs)
    assert figures["cold_start_s"]["measured"] == pytest.approx(sorted(runs)[1], abs=1e-3)
    assert size["details"]["writes"]["missed"] == 0
    assert size["details"]["poll_writes"]["missed"] == 0
    assert size["details"]["burst"]["writes"] == 100
    assert all(size["details"]["keys"][k]["missed"] == 0 for k in ("move", "filter", "detail"))
    # The child reported what it showed: the raw events are kept for a closer look.
    events = (tmp_path / "work" / "size-30" / "child.events.jsonl").read_text(encoding="utf-8")
    assert '"ev": "first_screen"' in events
    # The soak: a zone with a long history, a stream of writes, memory sampled throughout.
    soak = result["soak"]
    assert soak["size"] == 30 and soak["details"]["history"] == HISTORY
    assert soak["details"]["writes"] == 60  # 3 s warm-up + 3 s counted, 10 a second
    assert len(soak["details"]["rss_samples"]) >= 2
    assert set(soak["figures"]) == {fig.key for fig in SOAK_FIGURES}
    for key, fig in soak["figures"].items():
        assert isinstance(fig["measured"], (int, float)), key
    assert soak["figures"]["soak_rss_end_mb"]["measured"] > 0
    # Too short for the ten-minute target: reported, not judged; the quiet window is judged.
    assert soak["figures"]["soak_growth_mb"]["target"] == 10
    assert soak["figures"]["soak_growth_mb"]["pass"] is None
    assert isinstance(soak["figures"]["soak_quiet_growth_mb"]["pass"], bool)


def test_table_in_the_ui_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from board.cli.bench import print_tables
    from board.i18n import set_language

    figures = verdicts(300, {"write_p50_ms": 12.0, "write_p95_ms": 80.0, "cold_start_s": 0.5})
    result = {
        "sizes": [{"size": 300, "figures": figures, "details": {"database": {"projects": 300,
                   "departments": 40, "pledges": 1429}}}],
        "pass": False,
    }  # fmt: skip
    soak = {"size": 300, "figures": verdicts(300, {"soak_growth_mb": 3.0}, (), SOAK_FIGURES),
            "details": {"history": 20000, "writes": 6600, "rate_per_s": 10}}  # fmt: skip
    print_tables(result | {"soak": soak}, 60)
    zh = capsys.readouterr().out
    assert "内存浸泡 · 300 个项目 · 已有 20000 条变更 · 写入 6600 次（每秒 10 次）" in zh
    assert "首分钟之后的内存增长" in zh
    assert "外部写入 → 屏幕可见 p95" in zh
    assert "300 个项目 · 40 个部门 · 1429 条表态" in zh
    assert "未达标" in zh and "达标" in zh
    set_language("en")
    print_tables(result, 60)
    en = capsys.readouterr().out
    assert "outside write → visible on screen, p95" in en
    assert "FAIL" in en and "pass" in en
    assert "Some targets missed." in en


def test_bad_sizes_are_one_line() -> None:
    done = run_bench("--sizes", "ten", cwd=Path.cwd())
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "10000" in done.stderr


def test_verdicts_and_percentiles() -> None:
    assert percentile([], 50) is None
    assert percentile([10.0], 95) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([0.0, 10.0], 95) == pytest.approx(9.5)
    zone = verdicts(300, {"write_p50_ms": 31.0, "write_p95_ms": 49.0})
    assert zone["write_p50_ms"]["pass"] is False
    assert zone["write_p95_ms"]["pass"] is True
    assert zone["cold_start_s"] == {"measured": None, "target": 1.0, "unit": "s", "pass": False}
    city = verdicts(10_000, {"write_p95_ms": 149.0})
    assert city["write_p95_ms"]["target"] == 150
    assert city["write_p95_ms"]["pass"] is True
    assert city["poll_write_p95_ms"]["pass"] is None
