"""The command line speaks the office's language: replies, help and click's own words in
zh-CN by default, English with --lang en on any command; every option has help; codes are
named by their words and their choices listed."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import click
import pytest

from board.cli import cli, register_commands
from board.cli.localize import CLICK_KEYS, CLICK_MODULES, CLICK_PLURALS, translate_help
from board.domain.codes import BLOCKER_CATEGORIES, CATEGORIES, PLEDGE_STATUSES, STAGES
from board.i18n import en, zh_cn
from tests.conftest import run_cli

ZH = zh_cn.STRINGS
EN = en.STRINGS
ENGLISH_CLICK = ("Usage:", "Options", "Show this message", "Invalid value", "Missing option")


def test_every_click_message_board_words_is_still_click_s() -> None:
    """An upgrade of click that rewords one of these would leave it in English: fail loudly."""
    source = "".join(inspect.getsource(module) for module in CLICK_MODULES)
    for message in (*CLICK_KEYS, *CLICK_PLURALS):
        assert repr(message)[1:-1] in source or message in source, message
    for key in (*CLICK_KEYS.values(), *CLICK_PLURALS.values()):
        assert key in ZH and key in EN


def all_commands() -> list[tuple[str, click.Command]]:
    register_commands()
    translate_help(cli)
    found: list[tuple[str, click.Command]] = []

    def walk(prefix: str, command: click.Command) -> None:
        found.append((prefix, command))
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}", sub)

    walk("board", cli)
    return found


def test_every_command_and_option_has_help_and_takes_lang() -> None:
    for path, command in all_commands():
        assert command.help, path
        options = [p for p in command.params if isinstance(p, click.Option)]
        assert any("--lang" in p.opts for p in options), path
        for option in options:
            assert option.help, f"{path} {option.opts[0]} has no help"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("pledge", "add", "--help"), ("用法", "选项", "表态单位", "完成期限", "显示本帮助并退出")),
        (("--help",), ("调度看板", "命令", "表态", "清理变更记录")),
        (("project", "add", "--help"), ("阶段", "signed 签约", "investment 招商引资")),
    ],
)
def test_help_is_chinese_by_default(
    tmp_path: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for word in words:
        assert word in done.stdout, word
    for english in ENGLISH_CLICK:
        assert english not in done.stdout, english


def test_help_is_english_with_lang_en_on_a_subcommand(tmp_path: Path) -> None:
    done = run_cli("pledge", "add", "--help", "--lang", "en", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout and EN["help.pledge.dept"] in done.stdout
    assert not re.search(r"[\u4e00-\u9fff]{4,}", done.stdout.replace("土地局", ""))


def test_status_choices_are_listed() -> None:
    for code in PLEDGE_STATUSES:
        assert code in ZH["help.pledge.status"] and code in EN["help.pledge.status"]
        assert ZH[f"status.{code}"] in ZH["help.pledge.status"]
    for code in STAGES:
        assert code in ZH["help.project.stage"] and ZH[f"stage.{code}"] in ZH["help.project.stage"]
    for code in CATEGORIES:
        assert ZH[f"category.{code}"] in ZH["help.project.category"]
    for code in BLOCKER_CATEGORIES:
        assert ZH[f"blocker.{code}"] in ZH["help.blocker.category"]


def test_click_s_own_errors_come_in_chinese(demo_db: Path, tmp_path: Path) -> None:
    done = run_cli("pledge", "add", "--db", str(demo_db), "--dept", "土地局", "--due", "x", "内容",
                   cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    line = done.stderr.strip()
    assert "取值无效" in line and "--due" in line and "Invalid value" not in line
    done = run_cli("pledge", "add", "--db", str(demo_db), "内容", cwd=tmp_path)
    assert done.returncode == 2 and "缺少选项" in done.stderr and "Missing" not in done.stderr
    done = run_cli("pledge", "list", "--bogus", cwd=tmp_path)
    assert done.returncode == 2 and "没有选项" in done.stderr


def test_replies_name_fields_as_the_board_does(demo_db: Path, tmp_path: Path) -> None:
    done = run_cli(
        "pledge", "add", "--db", str(demo_db), "--dept", "土地局", "--due", "2026-12-15",
        "完成北区供水用地报批", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert "部门：土地局" in line and "期限：2026-12-15" in line and "状态：未完成" in line
    assert "department=" not in line and "status=open" not in line
    pledge_id = re.search(r"#(\d+)", line)
    assert pledge_id is not None
    done = run_cli("pledge", "set", pledge_id.group(1), "--db", str(demo_db), "--status",
                   "in_progress", "--lang", "en", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "status: " + EN["status.in_progress"] in done.stdout


def test_english_lists_cut_no_word(demo_db: Path, tmp_path: Path) -> None:
    done = run_cli("--today", "2026-12-01", "pledge", "list", "--db", str(demo_db), "--lang",
                   "en", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and "…" not in "".join(line[:60] for line in lines)
    assert any(EN["light.red"] in line for line in lines)
    assert any("overdue" in line for line in lines)
