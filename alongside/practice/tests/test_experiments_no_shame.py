"""No shame, by construction: no practice page or message speaks of streaks, misses or
failure (issue 10, point 7). Scans every practice template (both halves of practice) and
every translatable string in ``alongside/practice/*.py``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import alongside

PACKAGE = Path(alongside.__file__).parent
TEMPLATES = PACKAGE / "templates" / "practice"
CODE = PACKAGE / "practice"
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
# Loss-framed or counting-what-didn't-happen words; whole words, any case.
SHAMING = re.compile(
    r"\b(streaks?|missed|miss(es|ing)?|fail(ed|s|ure|ing)?|you haven['\u2019]?t|"
    r"(falling|fall|fell|are|you're|you are) behind|behind on|overdue|broke your|"
    r"lost your|should have|only \d+)\b",
    re.IGNORECASE,
)


def _strings(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in GETTEXT:
                found.extend(
                    (arg.lineno, arg.value)
                    for arg in node.args
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                )
    return found


def test_the_scan_finds_shaming_words() -> None:
    assert SHAMING.search("You missed 3 days")
    assert SHAMING.search("Keep your streak!")
    assert SHAMING.search("you haven't tried")
    assert SHAMING.search("You are behind on your ladder")
    assert not SHAMING.search("The belief behind the fear")
    assert not SHAMING.search("This went better than you predicted.")


def test_no_practice_template_uses_shaming_words() -> None:
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert templates, "no practice templates found"
    found = [
        f"{path.relative_to(PACKAGE)}: {match.group(0)!r}"
        for path in templates
        for match in SHAMING.finditer(path.read_text())
    ]
    assert not found, found


def test_no_practice_message_uses_shaming_words() -> None:
    found = [
        f"{path.name}:{line}: {text!r}"
        for path in sorted(CODE.glob("*.py"))
        for line, text in _strings(path)
        if SHAMING.search(text)
    ]
    assert not found, found
