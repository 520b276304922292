"""Modal forms of the edit mode: a few fields with checks, a choice from a list, a conflict.

Checks are the same functions the CLI and the importer use (`board.store.values`), so a bad
date or progress gets the same one-line message in the same language everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from board.errors import BoardError
from board.i18n import t

FORM_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 70; max-width: 95%; height: auto; max-height: 95%;
                     border: thick $accent; background: $surface; padding: 0 1; }}
{name} .form-title {{ text-style: bold; padding: 0 0 1 0; }}
{name} .form-error {{ color: $error; height: auto; }}
{name} .form-names {{ color: $text-muted; height: auto; }}
{name} Horizontal {{ height: auto; align-horizontal: right; }}
{name} Button {{ margin: 0 1; }}
"""


@dataclass(frozen=True)
class Field:
    """One input: its key, label, starting text and the check that turns text into a value."""

    key: str
    label: str
    initial: str = ""
    check: Callable[[str], Any] = str
    placeholder: str = ""
    # What the typed text names, shown under the field as it is typed (a project code → its
    # name: KF-09 silently meant 天润 when 凯达 was meant). None: nothing shown.
    describe: Callable[[str], str | None] | None = None


class FormScreen(ModalScreen[dict[str, Any] | None]):
    """Fields, each checked on save; returns the checked values, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "key.back", id="form.cancel")]
    DEFAULT_CSS = FORM_CSS.format(name="FormScreen")

    def __init__(self, title: str, fields: Sequence[Field]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="form-title")
            for f in self.fields:
                yield Label(Text(f.label))
                yield Input(value=f.initial, placeholder=f.placeholder, id=f"field-{f.key}")
                if f.describe is not None:
                    yield Static("", id=f"names-{f.key}", classes="form-names")
                yield Static("", id=f"error-{f.key}", classes="form-error")
            with Horizontal():
                yield Button(t("form.save"), variant="primary", id="save")
                yield Button(t("form.cancel"), id="cancel")

    def values(self) -> dict[str, Any] | None:
        """Every field checked; errors shown under their fields, None if any failed."""
        out: dict[str, Any] = {}
        ok = True
        for f in self.fields:
            raw = self.query_one(f"#field-{f.key}", Input).value
            error = self.query_one(f"#error-{f.key}", Static)
            try:
                out[f.key] = f.check(raw)
                error.update("")
            except BoardError as exc:
                error.update(Text(exc.message))
                ok = False
        return out if ok else None

    def save(self) -> None:
        values = self.values()
        if values is not None:
            self.dismiss(values)

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        for f in self.fields:
            if f.describe is not None and event.input.id == f"field-{f.key}":
                named = f.describe(event.value) if event.value.strip() else ""
                shown = named if named is not None else t("form.names_nothing")
                self.query_one(f"#names-{f.key}", Static).update(Text(shown))

    @on(Input.Submitted)
    def submitted(self, _event: Input.Submitted) -> None:
        self.save()

    @on(Button.Pressed, "#save")
    def pressed_save(self) -> None:
        self.save()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one of a few values (a stage, a status, a category)."""

    BINDINGS = [Binding("escape", "cancel", "key.back", id="choice.cancel")]
    DEFAULT_CSS = FORM_CSS.format(name="ChoiceScreen")

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], current: str | None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="form-title")
            yield OptionList(*(Option(Text(label), id=value) for value, label in self.choices))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [v for v, _ in self.choices]
        options.highlighted = values.index(self.current) if self.current in values else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """Ask before a write that closes a row out (完成 / 销号): True when confirmed."""

    BINDINGS = [
        Binding("escape,n", "cancel", "key.back", id="confirm.cancel"),
        Binding("y", "confirm", "form.confirm", id="confirm.yes"),
    ]
    DEFAULT_CSS = FORM_CSS.format(name="ConfirmScreen")

    def __init__(self, title: str, what: str) -> None:
        super().__init__()
        self.title_text = title
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="form-title")
            yield Static(Text(self.what))
            with Horizontal():
                yield Button(t("form.confirm"), variant="primary", id="yes")
                yield Button(t("form.cancel"), id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed, "#yes")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_cancel(self) -> None:
        self.dismiss(False)


class ConflictScreen(ModalScreen[bool]):
    """Someone changed the row meanwhile: show theirs and yours; True means "save mine again"."""

    BINDINGS = [Binding("escape", "cancel", "key.back", id="conflict.cancel")]
    DEFAULT_CSS = FORM_CSS.format(name="ConflictScreen")

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("conflict.title")), classes="form-title")
            yield Static(Text(self.message))
            with Horizontal():
                yield Button(t("conflict.reapply"), variant="warning", id="reapply")
                yield Button(t("conflict.keep"), id="keep")

    @on(Button.Pressed, "#reapply")
    def reapply(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_cancel(self) -> None:
        self.dismiss(False)
