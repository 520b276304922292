"""Every user-facing string, in zh-CN (the default) and English.

Call `t("key", **values)`; the catalogs live in `zh_cn.py` and `en.py` and must hold the same keys
(a test checks). The language is process-wide: the CLI sets it once from `--lang` / `$BOARD_LANG`.
"""

from __future__ import annotations

from board.i18n import en, zh_cn

CATALOGS: dict[str, dict[str, str]] = {"zh-CN": zh_cn.STRINGS, "en": en.STRINGS}
ALIASES = {"zh": "zh-CN", "zh-cn": "zh-CN", "cn": "zh-CN", "en": "en", "en-us": "en"}
DEFAULT_LANGUAGE = "zh-CN"

_language = DEFAULT_LANGUAGE


def normalise_language(name: str) -> str | None:
    """Map a user-typed language name to a catalog name, or None if unknown."""
    return ALIASES.get(name.strip().lower()) or (name if name in CATALOGS else None)


def set_language(name: str) -> None:
    """Switch every later `t()` call to `name` (a key of CATALOGS or an alias)."""
    global _language
    lang = normalise_language(name)
    if lang is None:
        raise ValueError(name)
    _language = lang


def current_language() -> str:
    """The catalog in use."""
    return _language


def t(key: str, **values: object) -> str:
    """The string for `key` in the current language, formatted with `values`."""
    template = CATALOGS[_language].get(key) or CATALOGS[DEFAULT_LANGUAGE].get(key) or key
    return template.format(**values) if values else template
