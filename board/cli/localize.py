"""The command line in the user's language: click's own words, every help text, `--lang` on
every command.

Click words its usage lines, headings and errors in English through `gettext`, looked up by
the names `_` and `ngettext` in its modules; an office that reads Chinese got "Usage:",
"Invalid value for '--due':" and "Show this message and exit." around board's Chinese. Those
names are pointed at a lookup in board's catalogs (`click.*` keys; a message not there stays
as click wrote it), once, in `install`. tests/unit/test_cli_language.py fails when a click
upgrade rewords a message this relies on.

Help texts are written as catalog keys (`help.*`) where the commands are declared and
translated when the commands are registered, after `--lang` / `$BOARD_LANG` was read, so one
import of the commands serves either language.
"""

from __future__ import annotations

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

from board.i18n import CATALOGS, current_language, normalise_language, set_language, t

CLICK_MODULES = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.types,
)
# Click's English messages (its gettext msgids) and the catalog keys that word them.
CLICK_KEYS = {
    "Usage:": "click.usage",
    "Options": "click.options",
    "Commands": "click.commands",
    "Positional arguments": "click.arguments",
    "Show this message and exit.": "click.help",
    "Show the version and exit.": "click.version",
    "%(prog)s, version %(version)s": "click.version_line",
    "Error: {message}": "click.error",
    "Try '{command} {option}' for help.": "click.try_help",
    "Invalid value: {message}": "click.invalid",
    "Invalid value for {param_hint}: {message}": "click.invalid_for",
    "Missing argument": "click.missing_argument",
    "Missing option": "click.missing_option",
    "Missing parameter": "click.missing_parameter",
    "Missing {param_type}": "click.missing_type",
    "Missing parameter: {param_name}": "click.missing_named",
    "No such option {name!r}.": "click.no_option",
    "No such command {name!r}.": "click.no_command",
    "Missing command.": "click.no_subcommand",
    "Aborted!": "click.aborted",
    "Option {name!r} does not take a value.": "click.takes_no_value",
    "default: {default}": "click.default",
    "env var: {var}": "click.envvar",
    "required": "click.required",
    "Choose from:\n\t{choices}": "click.choose",
    "{value!r} is not a valid {number_type}.": "click.not_number",
    "{value} is not in the range {range}.": "click.not_in_range",
}
CLICK_PLURALS = {
    "Did you mean {possibility}?": "click.did_you_mean",
    "Got unexpected extra argument ({args})": "click.extra_arguments",
    "{value!r} is not {choice}.": "click.not_choice",
    "Option {name!r} requires an argument.": "click.needs_value",
}


def words(message: str) -> str:
    key = CLICK_KEYS.get(message)
    return t(key) if key is not None else message


def plural_words(singular: str, plural: str, n: int) -> str:
    key = CLICK_PLURALS.get(singular)
    if key is not None and current_language() != "en":
        return t(key)  # Chinese says both with one form
    return singular if n == 1 else plural


_installed = False


def install() -> None:
    """Point click's `_` and `ngettext` at board's catalogs (once per process)."""
    global _installed
    if _installed:
        return
    for module in CLICK_MODULES:
        if hasattr(module, "_"):
            module._ = words  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = plural_words  # type: ignore[attr-defined]
    _installed = True


def choose_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """--lang on any command: the language is already set from argv by `main`; this only
    checks the value (a bad one is refused in one line like every other value)."""
    if value is None:
        return
    lang = normalise_language(value)
    if lang is None:
        raise click.BadParameter(t("err.bad_lang", value=value), ctx=ctx)
    set_language(lang)


def lang_option() -> click.Option:
    return click.Option(
        ["--lang"],
        metavar="LANG",
        expose_value=False,
        is_eager=True,
        callback=choose_language,
        help="help.lang",
    )


KEY = "board_help_key"  # where the catalog key a help text was declared as is kept


def worded(holder: object, text: str | None) -> str | None:
    """`text` (a catalog key when first seen) in the language in force; the key is kept on
    `holder`, so a later call in another language words it again."""
    key = getattr(holder, KEY, None)
    if key is None and text and text in CATALOGS["zh-CN"]:
        key = text
        setattr(holder, KEY, key)
    return t(key) if key is not None else text


def translate_help(command: click.Command) -> None:
    """Word the help of `command`, its parameters and its subcommands (declared as keys) in
    the language in force, and give every command `--lang`."""
    command.help = worded(command, command.help)
    names = {name for param in command.params for name in getattr(param, "opts", ())}
    if "--lang" not in names:
        command.params.append(lang_option())
    for param in command.params:
        if isinstance(param, click.Option):
            param.help = worded(param, param.help)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translate_help(sub)
