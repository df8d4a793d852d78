"""Every shipped interpretation text is plain and non-diagnostic.

This scans the raw files, independently of the validator (which checks the same
words for any instrument a deployment adds).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from alongside.assessments.spec import INSTRUMENTS_DIR, shipped_instruments

DIAGNOSTIC = ("disorder", "diagnos", "you have", "patholog", "abnormal", "symptom", "clinical")


def user_facing_texts(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Interpretation texts, cut-off meanings, descriptions, labels and wording."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            texts = ("text", "meaning", "description", "wording", "instructions", "label")
            if key in texts and isinstance(value, str):
                yield here, value
            yield from user_facing_texts(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from user_facing_texts(value, f"{path}[{index}]")


def shipped_files() -> list[Any]:
    return sorted(INSTRUMENTS_DIR.glob("*.yaml"))


def test_there_are_texts_to_check() -> None:
    count = sum(
        1
        for file in shipped_files()
        for _ in user_facing_texts(yaml.safe_load(file.read_text(encoding="utf-8")))
    )
    assert count > 80


def test_no_shipped_text_uses_diagnostic_language() -> None:
    problems = []
    for file in shipped_files():
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for where, text in user_facing_texts(data):
            lowered = text.lower()
            for word in DIAGNOSTIC:
                if word in lowered:
                    problems.append(f"{file.name}: {where}: {word!r}")
    assert problems == []


def test_interpretations_speak_warmly_to_the_person() -> None:
    for instrument in shipped_instruments().values():
        for sub in instrument.subscales:
            for band in sub.interpretations:
                text = band.text
                assert re.search(r"\byou(r|rself)?\b", text, re.IGNORECASE), text
                assert not re.search(r"\b(patient|subject|score of)\b", text, re.IGNORECASE), text


def test_verdict_labels_and_messages_are_shipped_texts() -> None:
    messages = yaml.safe_load((INSTRUMENTS_DIR / "_messages.yaml").read_text(encoding="utf-8"))
    assert set(messages["verdicts"]) == {
        "reliable_improvement",
        "no_reliable_change",
        "reliable_deterioration",
        "reliable_increase",
        "reliable_decrease",
    }
    assert "{install}" in messages["wording_not_installed"]
