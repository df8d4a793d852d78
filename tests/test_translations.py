"""Every sentence can be translated, and the German catalogue translates all of them.

Three guards: the catalogue is complete (no empty or fuzzy entry), the committed .mo is
the compiled .po (so nobody needs gettext to run the app), and no template shows English
outside {% translate %} / {% blocktranslate %}.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "alongside" / "templates"
CATALOGUE = ROOT / "alongside" / "locale" / "de" / "LC_MESSAGES" / "django"
# django-allauth's own German says "Sie"; these are its strings in our "du", kept by hand.
ALLAUTH_VOICE = ROOT / "alongside" / "locale_allauth" / "de" / "LC_MESSAGES" / "django"

# Words that are the same in every language; each needs a reason.
ALLOWED_WORDS = {
    "Alongside",  # the product's name
}
# Attributes a person reads or hears (a screen reader speaks aria-label and alt).
SPOKEN_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "aria-description")


@dataclass
class Entry:
    context: str = ""
    msgid: str = ""
    plural: str = ""
    strings: list[str] = field(default_factory=list)
    fuzzy: bool = False


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (a small reader: no dependency just for this test).

    gettext's tools write one entry per paragraph, so a blank line ends an entry.
    """
    entries = []
    for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
        entry = Entry()
        target = ""
        for line in paragraph.splitlines():
            if line.startswith("#,"):
                entry.fuzzy = "fuzzy" in line
            if line.startswith("#") or not line.strip():
                continue  # comments, and obsolete entries (#~)
            if not line.startswith('"'):
                target, _, line = line.partition(" ")
                if target.startswith("msgstr"):
                    entry.strings.append("")
            value = ast.literal_eval(line)
            if target == "msgctxt":
                entry.context += value
            elif target == "msgid":
                entry.msgid += value
            elif target == "msgid_plural":
                entry.plural += value
            else:
                entry.strings[-1] += value
        if entry.msgid:  # the header has an empty msgid
            entries.append(entry)
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]|%[sd]|\{\{\s*\w+\s*\}\}|\{\w*\}", text))


def test_the_german_catalogue_translates_every_message() -> None:
    entries = read_po(CATALOGUE.with_suffix(".po"))
    assert len(entries) > 1000  # the reader still finds the messages
    fuzzy = [e.msgid for e in entries if e.fuzzy]
    empty = [e.msgid for e in entries if not all(e.strings)]
    assert not fuzzy, f"{len(fuzzy)} fuzzy (check, then drop the flag), like {fuzzy[:5]}"
    assert not empty, f"{len(empty)} untranslated in the German catalogue, like {empty[:5]}"


@pytest.mark.parametrize("catalogue", [CATALOGUE, ALLAUTH_VOICE], ids=["ours", "allauth"])
def test_german_keeps_every_placeholder(catalogue: Path) -> None:
    wrong = []
    for e in read_po(catalogue.with_suffix(".po")):
        for string in e.strings:
            # A plural form may leave the number out ("Ein Tag"), never add or rename one.
            if not set(placeholders(string)) <= set(placeholders(e.msgid + e.plural)):
                wrong.append((e.msgid, string))
        if not e.plural and placeholders(e.strings[0]) != placeholders(e.msgid):
            wrong.append((e.msgid, e.strings[0]))
    assert not wrong, f"Placeholders differ from the English: {wrong}"


@pytest.mark.parametrize("catalogue", [CATALOGUE, ALLAUTH_VOICE], ids=["ours", "allauth"])
def test_the_committed_mo_is_the_compiled_po(catalogue: Path) -> None:
    # The .mo is committed so that a clone runs without gettext installed; this catches a
    # .po edited without `manage.py compilemessages`.
    with catalogue.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in read_po(catalogue.with_suffix(".po")):
        key = f"{e.context}\x04{e.msgid}" if e.context else e.msgid
        if e.plural:
            got = compiled.npgettext(e.context, e.msgid, e.plural, 1) if e.context else None
            got = got or compiled.ngettext(e.msgid, e.plural, 1)
            if got != e.strings[0]:
                stale.append(e.msgid)
        elif compiled._catalog.get(key) != e.strings[0]:  # type: ignore[attr-defined]
            stale.append(e.msgid)
    assert not stale, f"Run `manage.py compilemessages`: the .mo lacks {stale[:5]}…"


def test_allauth_speaks_with_du_too() -> None:
    from django.utils import translation

    with translation.override("de"):
        assert translation.gettext("Are you sure?") == "Bist du sicher?"
        # and our own catalogue still loads beside it.
        assert translation.gettext("Check in") == "Einchecken"


def untranslated_text(source: str, *, html: bool) -> list[str]:
    """What a template would show in English whatever the language: lines with letters."""
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", source, flags=re.S)
    text = re.sub(r"{#.*?#}", " ", text, flags=re.S)
    text = re.sub(
        r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", " ", text, flags=re.S
    )
    # A block named *_class holds CSS class names, not words.
    text = re.sub(r"{%\s*block \w*class\s*%}.*?{%\s*endblock", " ", text, flags=re.S)
    # Every other tag and variable (including {% translate %}) shows no English itself.
    text = re.sub(r"{%.*?%}|{{.*?}}", "\x00", text, flags=re.S)
    pieces = []
    if html:
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
        text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
        for tag in re.findall(r"<[a-zA-Z][^<>]*>", text):
            names = "|".join(SPOKEN_ATTRIBUTES)
            pieces += re.findall(rf'\s(?:{names})="([^"]*)"', tag)
        text = re.sub(r"<[a-zA-Z/!][^<>]*>", " ", text)
    pieces.append(text)
    found = []
    for piece in pieces:
        piece = re.sub(r"&#?\w+;", " ", piece)  # &nbsp;, &middot;
        piece = re.sub(r"(?<![\w])/[\w/.-]*", " ", piece)  # a path after {{ site_url }}
        for word in ALLOWED_WORDS:
            piece = re.sub(rf"\b{word}\b", " ", piece)
        found += [
            line.strip(" \x00") for line in piece.splitlines() if re.search(r"[^\W\d_]", line)
        ]
    return found


TEMPLATE_FILES = sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")])


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_a_template_says_nothing_outside_translate(path: Path) -> None:
    english = untranslated_text(path.read_text(encoding="utf-8"), html=path.suffix == ".html")
    assert not english, f"Wrap in {{% translate %}} / {{% blocktranslate %}}: {english}"


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("<p>Hello</p>", True),
        ('<img alt="A chart" src="x.png">', True),
        ('<a title="{% translate "Close" %} now">', True),
        ("{% translate 'Hi' %} there", False),
        ("{% blocktranslate %}One{% endblocktranslate %} two", False),
    ],
)
def test_the_template_check_finds_english(source: str, html: bool) -> None:
    assert untranslated_text(source, html=html)


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p class="lead">{% translate "Hello" %}</p>',
        "{% blocktranslate with n=x %}Hi {{ n }}{% endblocktranslate %}",
        '<a href="/x/" aria-label="{% translate "Close" %}">&times;</a>',
        "{# A note #}{% comment %}Notes{% endcomment %}<script>let a = 1;</script>",
        "{% block main_class %}page narrow{% endblock %}· Alongside {{ site_url }}/checkin/",
    ],
)
def test_the_template_check_lets_translated_text_through(source: str) -> None:
    assert untranslated_text(source, html=True) == []
