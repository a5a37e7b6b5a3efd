"""Every user-visible string of the pages, in English and Japanese, from one catalog.

`locales/*.json` map a key to its text in each language; `{name}` marks a value
filled in by `t()`. The pages get their language from `?lang=` (which the page then
remembers in a cookie), else that cookie, else the browser's Accept-Language, else
English. The scripts get the same catalog, so the server and the browser never disagree.

Japanese has no spaces: a browser may break a line between any two characters, and so
"投票ありがとうございまし / た！". Chromium (119+) finds phrases itself with CSS
`word-break: auto-phrase`; Safari and Firefox do not. So the Japanese strings carry a
ZERO WIDTH SPACE between their phrases (BudouX's, as the pictures break them), which a
page's CSS turns into the only places a line breaks (`word-break: keep-all` where
auto-phrase is unknown), and which Chromium's auto-phrase breaks at alike. It is
invisible, silent to screen readers between letters, and never in user text: `{text}`
values are filled in unmarked, and no string is an input's value or sent as data.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import orjson

from tohyo.domain import phrases

LANGUAGES = ("en", "ja")
DEFAULT = "en"
LANG_COOKIE = "tohyo_lang"
NAMES = {"en": "English", "ja": "日本語"}
PHRASED = frozenset({"ja"})  # languages written without spaces: marked between phrases


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Every `locales/*.json` file, merged (one file per group of pages); a key defined
    twice is a mistake that would show one page the other's text, so it fails."""
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("tohyo.web") / "locales"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        loaded: dict[str, dict[str, str]] = orjson.loads(entry.read_bytes())
        twice = merged.keys() & loaded.keys()
        if twice:
            raise ValueError(f"{entry.name} defines {sorted(twice)} again")
        merged.update(loaded)
    return merged


@cache
def groups() -> dict[str, frozenset[str]]:
    """Each `locales/*.json` file's name (without .json) -> the keys it defines: the
    pages of one group need only theirs (a poll's pages, `catalog`, ~a quarter of all)."""
    folder = resources.files("tohyo.web") / "locales"
    return {
        entry.name.removesuffix(".json"): frozenset(orjson.loads(entry.read_bytes()))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }


@cache
def strings(lang: str) -> dict[str, str]:
    """key -> text in `lang` as the pages show it: Japanese with a zero-width space
    between its phrases (made once per process; `catalog()` holds the plain text)."""
    if lang in PHRASED:
        return {key: phrases.marked(texts[lang]) for key, texts in catalog().items()}
    return {key: texts[lang] for key, texts in catalog().items()}


def translator(lang: str) -> Any:
    table = strings(lang)

    def t(key: str, **values: object) -> str:
        text = table[key]
        return text.format(**values) if values else text

    return t


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    for explicit in (query, cookie):
        if explicit in LANGUAGES:
            return explicit
    return from_accept_language(accept_language or "")


def from_accept_language(header: str) -> str:
    """The best of our languages by the header's q-values (ties: the header's order)."""
    best, best_q = DEFAULT, 0.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > best_q:  # strictly: the first of equals wins
            best, best_q = primary, q
    return best
