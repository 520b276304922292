"""The command line's parameter types and shared options: dates, languages, themes, counts, --db.

Each type refuses a bad value in one line, in the UI language, before any command runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from board.config import THEME_NAMES, DisplayOptions
from board.errors import BoardError
from board.i18n import normalise_language, t
from board.store.location import Where, parse_where

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_DB = Path("data") / "board.db"
DEMO_DB = Path("data") / "demo.db"


class DateType(click.ParamType[date]):
    """YYYY-MM-DD, refused in one line otherwise."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(t("err.bad_date", value=value), param, ctx)


class LanguageType(click.ParamType[str]):
    name = "LANG"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        lang = normalise_language(str(value))
        if lang is None:
            self.fail(t("err.bad_lang", value=value), param, ctx)
        return lang


class ThemeType(click.ParamType[str]):
    name = "THEME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if value not in THEME_NAMES:
            self.fail(t("err.bad_theme", value=value, choices=", ".join(THEME_NAMES)), param, ctx)
        return str(value)


class CountType(click.ParamType[int]):
    """A whole number with a floor, refused in one line otherwise."""

    name = "N"

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = self.minimum - 1
        if number < self.minimum:
            option = param.opts[0] if param is not None and param.opts else "N"
            self.fail(
                t("err.bad_number", option=option, minimum=self.minimum, value=value), param, ctx
            )
        return number


def today_of(options: DisplayOptions | None, today: date | None = None) -> date:
    """The day a command judges lights by: its own --today, the board's --today, or today."""
    return today or (options.today if options else None) or date.today()


class WhereType(click.ParamType[Where]):
    """A SQLite file path or a database URL (`postgresql+psycopg://user@host/db`). No check
    that a file is readable here: click would refuse it in English; board says why later."""

    name = "PATH|URL"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Where:
        try:
            where = parse_where(value) if isinstance(value, str | Path) else value
        except BoardError as exc:
            self.fail(exc.message, param, ctx)
        if isinstance(where, Path):  # a folder is refused as click.Path refuses it
            checked: Path = self.path_type.convert(where, param, ctx)
            return checked
        return where

    path_type = click.Path(path_type=Path, dir_okay=False, readable=False)


def db_option(default: Path, *, from_env: bool = True) -> Callable[[F], F]:
    return click.option(
        "--db",
        "db",
        type=WhereType(),
        envvar="BOARD_DB" if from_env else None,
        default=default,
        show_default=True,
        help="help.opt.db" if from_env else "help.opt.db_demo",
    )


def chosen_db(db: Where) -> Where:
    """This command's --db if typed; else a --db typed before it (`board --db X pledge add`),
    which also beats $BOARD_DB; else this command's own value ($BOARD_DB or its default)."""
    typed = click.core.ParameterSource.COMMANDLINE
    ctx = click.get_current_context()
    if ctx.get_parameter_source("db") is typed:
        return db
    outer = ctx.parent
    while outer is not None:
        if "db" in outer.params and outer.get_parameter_source("db") is typed:
            return parse_where(outer.params["db"])
        outer = outer.parent
    return db


today_option: Callable[[F], F] = click.option("--today", type=DateType(), help="help.opt.today")
