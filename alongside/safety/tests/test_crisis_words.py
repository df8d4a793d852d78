"""The crisis phrase lists: data with a named source, read the way a person writes."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from alongside.safety import crisis

SHIPPED = crisis.SHIPPED_DIR / "en.yaml"

WORRYING = [
    "I want to die",
    "honestly some days I just want to die.",
    "I keep thinking I should KILL MYSELF",
    "There's no reason to live any more",
    "I\u2019m scared for my life",  # a curly apostrophe, as phones type it
    "Im scared for my life",
    "He will\n  kill me if he finds out",  # a line break and extra spaces
    "he'll kill me",
    "I don\u2019t want to be alive",
    "I don\u00b4t want to live",  # an acute accent standing in for the apostrophe
    "thinking about self-harm again",
    "thinking about self harm again",
    "self\u2010harm",  # U+2010 HYPHEN
    "kill myself".translate({c: c + 0xFEE0 for c in range(0x61, 0x7B)}),  # full-width
    "I hurt myself last night",
    "I feel suicidal",
    "he threatened to kill me",
    "I'm not safe at home",
]

CALM = [
    "",
    "I want to dine out tonight",
    "Practising a new skill myself",  # "kill myself" inside another word
    "We talked about skills, mostly.",
    "I could kill for a coffee",
    "Dead tired but happy",
    "The overdue bills are paid",  # "overdose" is not "overdue"
    "A quiet evening, we cooked together.",
    "She killed it at the presentation, so proud",
    "myself-harmony is a word I just made up",
]


def test_the_english_phrase_file_loads_and_names_its_source() -> None:
    header = SHIPPED.read_text(encoding="utf-8").splitlines()[:30]
    assert header[0].startswith("# Crisis phrases")
    assert any("Source:" in line for line in header)
    assert any("maintained" in line.lower() for line in header)

    phrases = crisis.phrase_set("en")
    assert phrases.path == SHIPPED
    assert "988" in phrases.source and "Samaritans" in phrases.source
    assert 30 <= len(phrases.phrases) <= 100  # a few dozen, not a dictionary
    assert all(p == p.lower().strip() and p for p in phrases.phrases)
    assert len(set(phrases.phrases)) == len(phrases.phrases)


@pytest.mark.parametrize("text", WORRYING)
def test_worrying_words_match_however_they_are_typed(text: str) -> None:
    assert crisis.phrase_set("en").matches(text), text


def test_an_invisible_soft_hyphen_does_not_hide_the_words() -> None:
    assert crisis.phrase_set("en").matches("I will kill my\u00adself")


@pytest.mark.parametrize("text", CALM)
def test_ordinary_words_do_not_match(text: str) -> None:
    assert not crisis.phrase_set("en").matches(text), text


def test_phrases_match_whole_words_only() -> None:
    phrases = crisis.phrase_set("en")
    assert phrases.matches("kill myself")
    assert not phrases.matches("skill myself")
    assert not phrases.matches("kill myselfie")
    assert phrases.matches("(kill myself)")
    assert phrases.matches("...kill myself!!")


def test_every_shipped_phrase_matches_itself_in_a_sentence() -> None:
    phrases = crisis.phrase_set("en")
    for phrase in phrases.phrases:
        assert phrases.matches(f"Today, {phrase.upper()}, honestly."), phrase


def test_normalising_reads_alike_what_looks_alike() -> None:
    assert crisis.normalise("  I\u2019M\tSo\n\nTIRED  ") == "im so tired"
    assert crisis.normalise("\u201cquoted\u201d") == '"quoted"'
    assert crisis.normalise("\ufb01ne") == "fine"  # a ligature, folded by NFKC


def test_the_active_language_picks_its_file_and_falls_back_to_english() -> None:
    with translation.override("en-gb"):
        assert crisis.phrase_set().path == SHIPPED
    with translation.override("de"):  # no German list ships yet
        assert crisis.phrase_set().path == SHIPPED
        assert crisis.worrying("I want to die")


def test_a_deployment_file_takes_the_place_of_the_shipped_one(
    settings: Any, tmp_path: Path
) -> None:
    (tmp_path / "en.yaml").write_text(
        "source: Our clinic's own list, reviewed monthly.\nphrases:\n  - at the end of my rope\n",
        encoding="utf-8",
    )
    (tmp_path / "nl.yaml").write_text(
        "source: Onze eigen lijst.\nphrases:\n  - ik wil dood\n", encoding="utf-8"
    )
    settings.CRISIS_PHRASES_DIR = str(tmp_path)
    assert crisis.worrying("I'm at the end of my rope")
    assert not crisis.worrying("I want to die")  # replaced, so a deployment can also remove
    with translation.override("nl"):
        assert crisis.worrying("Ik wil dood.")
    assert crisis.validate_phrase_files() == []


def test_an_edited_file_applies_without_a_restart(settings: Any, tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text("source: Ours.\nphrases:\n  - first phrase\n", encoding="utf-8")
    settings.CRISIS_PHRASES_DIR = str(tmp_path)
    assert crisis.worrying("the first phrase")
    path.write_text("source: Ours.\nphrases:\n  - second phrase\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert crisis.worrying("the second phrase")
    assert not crisis.worrying("the first phrase")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("phrases:\n  - want to die\n", "'source'"),
        ("source: ''\nphrases:\n  - want to die\n", "'source'"),
        ("source: Ours.\nphrases: []\n", "'phrases'"),
        ("source: Ours.\nphrases:\n  - 42\n", "phrase 1"),
        ("source: Ours.\nphrases:\n  - '  '\n", "phrase 1"),
        ("- just a list\n", "mapping"),
        ("source: [unclosed\n", "cannot read"),
    ],
)
def test_a_broken_file_is_named_and_stops_the_start(
    settings: Any, tmp_path: Path, content: str, problem: str
) -> None:
    (tmp_path / "en.yaml").write_text(content, encoding="utf-8")
    settings.CRISIS_PHRASES_DIR = str(tmp_path)
    problems = crisis.validate_phrase_files()
    assert len(problems) == 1
    assert str(tmp_path / "en.yaml") in problems[0] and problem in problems[0]
    with pytest.raises(ImproperlyConfigured, match=re.escape(str(tmp_path / "en.yaml"))):
        apps.get_app_config("safety").ready()


def test_a_file_broken_while_running_falls_back_to_the_shipped_list(
    settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "en.yaml").write_text("phrases: [oops\n", encoding="utf-8")
    settings.CRISIS_PHRASES_DIR = str(tmp_path)
    # Saving must not fail, and the person still gets help from the shipped words.
    assert crisis.worrying("I want to die")
    assert any(str(tmp_path / "en.yaml") in r.getMessage() for r in caplog.records)


def test_the_shipped_files_load_at_start() -> None:
    assert crisis.validate_phrase_files() == []
    apps.get_app_config("safety").ready()  # raises nothing
