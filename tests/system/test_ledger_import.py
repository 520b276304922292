"""`board import` of office ledgers, run for real: the preview a user reads, a real run twice,
the GBK CSV of the same ledger, a pledge list, the mapping file, and refusals' wording."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from board.i18n import en, zh_cn
from tests.conftest import run_cli
from tests.ledgers import Spec, pledge_list, project_ledger, write_csv, write_xlsx

ZH = zh_cn.STRINGS
EN = en.STRINGS


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = sqlite3.connect(db)
    try:
        tables = ("projects", "pledges", "blockers", "departments", "change_log")
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in tables}
    finally:
        con.close()


def board(*args: str, db: Path, cwd: Path) -> Any:
    return run_cli("import", *args, "--db", str(db), cwd=cwd)


def test_dry_run_then_a_real_run_twice(demo_db: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "重点项目推进台账.xlsx", project_ledger())
    before = dump(demo_db)
    dry = board(str(path), "--dry-run", "--create-departments", db=demo_db, cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert dump(demo_db) == before
    lines = dry.stdout.splitlines()
    assert lines[:4] == [
        ZH["ledger.file"].format(path=path),
        ZH["ledger.found"].format(path="7月", kind=ZH["ledger.kind.projects"]),
        "标题：2023年清河经济技术开发区重点项目推进情况表；"
        "日期年份 2023（取自标题）；金额单位 万元",
        ZH["ledger.rows"].format(header="3–4", data="6–12", count=5),
    ]
    assert "  2023年投资情况/1-8月完成投资 → 年度完成投资（万元）" in lines
    assert "  建设内容及规模 → 不导入（看板没有这一项）" in lines
    counts = ZH["ledger.counts.projects"].format(
        added=2,
        updated=3,
        unchanged=0,
        blockers=3,
        blockers_kept=0,
        units=1,
        milestones=0,
        milestones_kept=0,
    )
    assert counts in lines
    assert "  第 5 行：分组行“一、招商引资项目（3项）”，以下各行记为 招商引资" in lines
    assert "  第 15–16 行：表尾“填表人：张三        审核人：李四”" in lines
    assert "  第 11 行，竣工时间：年底前 → 2023-12-31" in lines
    new = "  第 8 行 新增：KF-26 新材料产业园新项目｜招商引资"
    assert any(line.startswith(new) for line in lines)
    assert lines[-1] == ZH["import.dry_run"].format(path=path)

    real = board(str(path), "--create-departments", db=demo_db, cwd=tmp_path)
    assert real.returncode == 0, real.stderr
    assert real.stdout.splitlines()[-1] == ZH["import.done"].format(path=path)
    assert real.stdout.splitlines()[:4] == lines[:4]  # a real run starts with the same preview
    after = dump(demo_db)
    again = board(str(path), "--create-departments", db=demo_db, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == ZH["ledger.nothing_changed"].format(path=path)
    assert dump(demo_db) == after

    # The same ledger as Excel/WPS save it as CSV on a Chinese Windows: GBK, merges lost.
    gbk = write_csv(tmp_path / "重点项目推进台账.csv", project_ledger(), "gbk")
    from_csv = board(str(gbk), "--create-departments", db=demo_db, cwd=tmp_path)
    assert from_csv.returncode == 0, from_csv.stderr
    assert dump(demo_db) == after
    assert "  第 12 行：单位为空，沿用上一行的“规划建设局”（CSV 不保存合并单元格）" in (
        from_csv.stdout.splitlines()
    )


def test_a_pledge_list_with_unknown_units_is_refused_then_imported(
    demo_db: Path, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "表态清单.xlsx", pledge_list())
    before = dump(demo_db)
    refused = board(str(path), db=demo_db, cwd=tmp_path)
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    assert refused.stdout == ""
    assert refused.stderr.splitlines() == [
        ZH["ledger.refused_units"].format(count=1, names="祝庄村", path=path),
        ZH["ledger.problem_sheet"].format(
            sheet="Sheet1",
            reason=ZH["ledger.unknown_unit"].format(
                name="祝庄村", rows="9", near=ZH["ledger.near"].format(names="祝庄子村、小王庄村")
            ),
        ),
    ]
    assert dump(demo_db) == before
    done = board(str(path), "--create-departments", db=demo_db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert "  第 4 行，完成时限：9月30日前 → 2023-09-30" in out
    assert "  第 6 行，完成时限：10月中旬 → 2023-10-20" in out
    assert "  第 8 行，完成时限：长期 → 无日期" in out
    assert any("祝庄村（行政村）" in line for line in out)
    assert len(dump(demo_db)["pledges"]) == len(before["pledges"]) + 6


def test_suggest_map_writes_a_mapping_that_map_reads(demo_db: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", project_ledger())
    suggested = run_cli("import", str(path), "--suggest-map", cwd=tmp_path)
    assert suggested.returncode == 0, suggested.stderr
    assert '"2023年投资情况/1-*月完成投资" = "year_done_investment"' in suggested.stdout
    map_file = tmp_path / "map.toml"
    map_file.write_text(suggested.stdout.replace('"备注" = "remark"', '"备注" = ""'), "utf-8")
    later = write_xlsx(tmp_path / "8月.xlsx", project_ledger(9, "8月"))
    result = board(str(later), "--map", str(map_file), "--create-departments", db=demo_db,
                   cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "  2023年投资情况/1-9月完成投资 → 年度完成投资（万元）" in result.stdout.splitlines()
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\n"项目名称" = "名字"\n', "utf-8")
    refused = board(str(later), "--map", str(bad), db=demo_db, cwd=tmp_path)
    assert refused.returncode == 2
    assert len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith(ZH["err.prefix"] + "映射文件有误")


def test_refusals_say_what_is_wrong_first(demo_db: Path, tmp_path: Path) -> None:
    summary = Spec("Sheet1", [["2023年工作总结"], ["单位：万元"], ["一、总体情况"]])
    no_header = write_xlsx(tmp_path / "总结.xlsx", summary)
    result = board(str(no_header), db=demo_db, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        ZH["err.prefix"] + ZH["ledger.no_header"].format(rows="1–3", path=no_header)
    ]
    rows: list[list[Any]] = [["序号", "项目名称", "总投资（万元）"]]
    rows += [[n, f"项目{n}", "很多"] for n in range(1, 26)]
    many = write_xlsx(tmp_path / "错.xlsx", Spec("S", rows))
    before = dump(demo_db)
    short = board(str(many), db=demo_db, cwd=tmp_path)
    assert short.returncode == 2
    lines = short.stderr.splitlines()
    assert lines[0] == ZH["ledger.refused"].format(count=25, path=many)
    reason = ZH["ledger.bad_number"].format(value="很多")
    assert lines[1] == ZH["import.problem"].format(
        sheet="S", row=2, column="总投资（万元）", reason=reason
    )
    assert lines[21] == ZH["ledger.more"].format(count=5)
    full = board(str(many), "--all-errors", db=demo_db, cwd=tmp_path)
    assert len(full.stderr.splitlines()) == 27  # summary, 25 problems, the --suggest-map hint
    assert dump(demo_db) == before


def test_the_preview_in_english(demo_db: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", project_ledger())
    result = run_cli(
        "--lang", "en", "import", str(path), "--dry-run", "--create-departments",
        "--db", str(demo_db), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert EN["ledger.rows"].format(header="3–4", data="6–12", count=5) in result.stdout
