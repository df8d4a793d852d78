"""Crisis words: words of being in crisis in what a person writes bring them help, quietly.

When someone saves free text that contains a phrase from the list for their language
(``crisis_phrases/<language>.yaml``, or a deployment's own file in
``settings.CRISIS_PHRASES_DIR``), the next thing they see carries the "Help now"
resources. Nothing else happens: no row, no field, no log line, no notice, no count. The
partner is a possible adversary, so the only trace is on the writer's own screen.

Views call :func:`offer_help` after a successful save; the API calls :func:`help_offer`.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypedDict

import yaml
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
SHIPPED_DIR = Path(__file__).resolve().parent / "crisis_phrases"
FALLBACK_LANGUAGE = "en"
# The messages-framework tag that carries the offer across a redirect. It reads like the
# "Help now" link on every page, so even the tag says nothing more than the menu does.
TAG = "help-now"

_QUOTES = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u02bc": "'",  # modifier letter apostrophe
        "\u2032": "'",  # prime
        "`": "'",
        "\u00b4": "'",  # acute accent
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\u201e": '"',  # double low-9 quotation mark
        "\u201f": '"',  # double high-reversed-9 quotation mark
        "\u2033": '"',  # double prime
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2212": "-",  # minus sign
    }
)


def normalise(text: str) -> str:
    """Text as the matcher reads it: one form for what looks alike to a person.

    NFKC folds compatibility forms (full-width letters, ligatures); case is folded;
    curly quotes and dashes become straight ones; invisible format characters (a soft
    hyphen, a zero-width space) are dropped; apostrophes are dropped so "I'm" and "Im"
    read alike; any run of whitespace, line breaks included, becomes one space.
    """
    # Straightened before NFKC too: it would split an acute accent used as an apostrophe.
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES)).translate(_QUOTES).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.replace("'", "")
    return " ".join(text.split())


class PhraseSet:
    """One language's phrases, compiled into a single whole-word pattern."""

    def __init__(self, *, language: str, source: str, phrases: list[str], path: Path) -> None:
        self.language, self.source, self.phrases, self.path = language, source, phrases, path
        words = sorted({normalise(p) for p in phrases}, key=len, reverse=True)
        # Between the words of a phrase, a space or a hyphen ("self-harm" = "self harm");
        # around it, no letter or digit, so "kill myself" never matches "skill myself".
        alternatives = ("[ -]+".join(map(re.escape, re.split(r"[ -]+", w))) for w in words)
        self.pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")

    def matches(self, text: str) -> bool:
        return bool(text) and self.pattern.search(normalise(text)) is not None


def _problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "expected a mapping with 'source' and 'phrases'"
    if not isinstance(data.get("source"), str) or not data["source"].strip():
        return "'source' must say where the phrases come from"
    phrases = data.get("phrases")
    if not isinstance(phrases, list) or not phrases:
        return "'phrases' must be a non-empty list"
    for index, phrase in enumerate(phrases):
        if not isinstance(phrase, str) or not normalise(phrase):
            return f"phrase {index + 1} must be some words, got {phrase!r}"
    return None


@functools.lru_cache(maxsize=16)
def _load(path: Path, mtime_ns: int) -> PhraseSet:
    # Keyed on the file's modification time: an edited list applies without a restart.
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ImproperlyConfigured(f"crisis phrases {path}: cannot read ({exc})") from exc
    problem = _problem(data)
    if problem:
        raise ImproperlyConfigured(f"crisis phrases {path}: {problem}")
    return PhraseSet(
        language=str(data.get("language") or path.stem),
        source=data["source"].strip(),
        phrases=list(data["phrases"]),
        path=path,
    )


def _directories() -> list[Path]:
    # A deployment's own files come first, so it can adjust a language without a fork.
    extra = getattr(settings, "CRISIS_PHRASES_DIR", "")
    return [Path(extra), SHIPPED_DIR] if extra else [SHIPPED_DIR]


def _candidates(language: str) -> list[str]:
    language = language.lower().replace("_", "-")
    names = [language, language.split("-")[0], FALLBACK_LANGUAGE]
    return list(dict.fromkeys(names))


def phrase_set(language: str | None = None) -> PhraseSet:
    """The phrases for ``language`` (default: the active one), falling back to English."""
    for name in _candidates(language or get_language() or FALLBACK_LANGUAGE):
        for directory in _directories():
            path = directory / f"{name}.yaml"
            try:
                mtime = path.stat().st_mtime_ns
            except OSError:
                continue
            try:
                return _load(path, mtime)
            except ImproperlyConfigured as exc:
                # Files are checked at start (validate_phrase_files); one broken by a live
                # edit must not turn a save into an error page: the next list serves.
                logger.error("%s; using the next list", exc)
    raise ImproperlyConfigured(f"crisis phrases: no usable {FALLBACK_LANGUAGE}.yaml")


def worrying(*texts: str | None) -> bool:
    """Whether any of ``texts`` contains a crisis phrase of the active language."""
    phrases = phrase_set()
    return any(phrases.matches(text) for text in texts if text)


def offer_help(request: HttpRequest, *texts: str | None) -> bool:
    """After a save: if what was written worries, show the writer help on what comes next.

    Call it only once the text is saved, with the words the person just wrote.

    How the offer reaches the next page, and why:
    - A redirect follows every save, so the offer must survive one hop. It travels as a
      Django message with ``TAG`` and no words of its own. Settings use the cookie
      message storage, so it lives in a signed cookie in the writer's own browser, never
      in the session or any other server-side store, and it is deleted the moment the
      page showing it is rendered. It is never on a URL either (a query string or anchor
      would stay in the browser history for someone else to find).
    - An htmx request gets its answer as a fragment, not a page: a message would wait
      for some later page, out of context. ``request.crisis_help`` asks the fragment to
      carry the block itself; the attribute dies with the request.
    Nothing is logged, stored or sent; nobody but the writer is ever shown anything.
    """
    if not worrying(*texts):
        return False
    if getattr(request, "htmx", False):
        request.crisis_help = True  # type: ignore[attr-defined]
    else:
        # Messages need some text; the block's words come from its template, so the
        # cookie holds only this neutral token.
        messages.add_message(request, messages.INFO, TAG, extra_tags=TAG)
    return True


def help_wanted(context: Any) -> bool:
    """Whether the page being rendered should carry the help block (template tag)."""
    request = context.get("request")
    if getattr(request, "crisis_help", False):
        return True
    return any(TAG in message.tags.split() for message in context.get("messages") or ())


class HelpOffer(TypedDict):
    message: str
    url: str
    resources: list[dict[str, str]]


def help_offer(*texts: str | None) -> HelpOffer | None:
    """For the API: the offer to put in this one response, or None."""
    if not worrying(*texts):
        return None
    return {
        "message": help_message(),
        "url": reverse("safety:help"),
        "resources": list(settings.HELP_RESOURCES),
    }


def help_message() -> str:
    """The gentle sentence that opens the help (it depends on whether helplines are listed)."""
    if settings.HELP_RESOURCES:
        return _(
            "It sounds like things may be really hard right now. If you'd like to talk to "
            "someone, these people are there for you:"
        )
    # No helplines configured: name what works everywhere rather than an empty list.
    return _(
        "It sounds like things may be really hard right now. If you'd like to talk to "
        "someone, your local emergency number works everywhere, and many countries have "
        "free, confidential crisis lines."
    )


def _phrase_files() -> Iterable[Path]:
    for directory in _directories():
        if directory.is_dir():
            yield from sorted(directory.glob("*.yaml"))


def validate_phrase_files() -> list[str]:
    """What is wrong with any phrase file (each names its file); empty when all load."""
    problems = []
    for path in _phrase_files():
        try:
            _load(path, path.stat().st_mtime_ns)
        except ImproperlyConfigured as exc:
            problems.append(str(exc))
    if not (SHIPPED_DIR / f"{FALLBACK_LANGUAGE}.yaml").is_file():
        problems.append(f"crisis phrases: {FALLBACK_LANGUAGE}.yaml is missing")
    return problems


__all__ = [
    "TAG",
    "HelpOffer",
    "PhraseSet",
    "help_message",
    "help_offer",
    "help_wanted",
    "normalise",
    "offer_help",
    "phrase_set",
    "validate_phrase_files",
    "worrying",
]
