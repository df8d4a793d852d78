"""Settings from the environment: bad values stop the start, naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from alongside.lib.env import env_bool, env_choice, env_int, env_list, env_str


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ALS_TEST", "ALS_TEST_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" on ", True),
        ("0", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_reads_common_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("ALS_TEST", raw)
    assert env_bool("ALS_TEST") is expected


def test_env_bool_uses_the_default_when_unset() -> None:
    assert env_bool("ALS_TEST", True) is True
    assert env_bool("ALS_TEST") is False


def test_env_bool_refuses_maybe_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALS_TEST", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"ALS_TEST.*'maybe'"):
        env_bool("ALS_TEST")


def test_env_int_reads_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALS_TEST", "587")
    assert env_int("ALS_TEST", 25) == 587


def test_env_int_uses_the_default_when_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_int("ALS_TEST", 25) == 25
    monkeypatch.setenv("ALS_TEST", " ")
    assert env_int("ALS_TEST", 25) == 25


def test_env_int_refuses_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALS_TEST", "five")
    with pytest.raises(ImproperlyConfigured, match=r"ALS_TEST: expected a whole number"):
        env_int("ALS_TEST", 5)


def test_env_int_refuses_a_value_below_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALS_TEST", "10")
    with pytest.raises(ImproperlyConfigured, match=r"ALS_TEST: must be at least 30"):
        env_int("ALS_TEST", 300, minimum=30)


def test_env_choice_refuses_an_unknown_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALS_TEST", "sometimes")
    with pytest.raises(ImproperlyConfigured, match=r"ALS_TEST: expected one of a, b"):
        env_choice("ALS_TEST", "a", ("a", "b"))
    monkeypatch.setenv("ALS_TEST", "b")
    assert env_choice("ALS_TEST", "a", ("a", "b")) == "b"


def test_env_list_splits_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_list("ALS_TEST", ["x"]) == ["x"]
    monkeypatch.setenv("ALS_TEST", " a.example , b.example,, ")
    assert env_list("ALS_TEST") == ["a.example", "b.example"]


def test_env_str_default_and_value(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_str("ALS_TEST", "fallback") == "fallback"
    monkeypatch.setenv("ALS_TEST", "given")
    assert env_str("ALS_TEST", "fallback") == "given"


def test_the_file_variant_reads_a_secret_from_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("ALS_TEST", "from-the-environment")
    monkeypatch.setenv("ALS_TEST_FILE", str(secret))
    assert env_str("ALS_TEST") == "s3cret-from-a-file"


def test_the_file_variant_works_for_typed_values(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "flag").write_text("yes")
    monkeypatch.setenv("ALS_TEST_FILE", str(tmp_path / "flag"))
    assert env_bool("ALS_TEST") is True


def test_a_missing_secret_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALS_TEST_FILE", str(tmp_path / "nowhere"))
    with pytest.raises(ImproperlyConfigured, match=r"ALS_TEST_FILE: cannot read"):
        env_str("ALS_TEST")
