"""The package's public surface: ``__all__``, docstrings, examples, no Django."""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import alongside.analytics as analytics

PUBLIC = {
    "apim",
    "apim_power",
    "apim_tests",
    "center_within",
    "couple_links",
    "couple_wide_from_long",
    "lag_consecutive",
    "lagged_apim",
    "long_from_couple_wide",
    "long_from_pairwise",
    "mlvar",
    "networks",
    "networks_from_arrays",
    "pairwise_from_long",
    "pseudo_couple_baseline",
    "pursue_withdraw",
    "same_day_link",
    "scale_share",
    "simulate_diary",
    "synchrony",
}
PACKAGE = Path(analytics.__file__).parent


def test_all_lists_exactly_the_public_functions() -> None:
    assert set(analytics.__all__) == PUBLIC
    assert sorted(analytics.__all__) == analytics.__all__
    for name in analytics.__all__:
        assert callable(getattr(analytics, name))
    exported = {
        n for n in dir(analytics) if not n.startswith("_") and callable(getattr(analytics, n))
    }
    assert exported <= PUBLIC | {"annotations"}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_function_is_documented(name: str) -> None:
    doc = inspect.getdoc(getattr(analytics, name)) or ""
    for section in ("Parameters", "Returns", "Examples"):
        assert f"\n{section}\n" in doc, f"{name} lacks {section}"
    signature = inspect.signature(getattr(analytics, name))
    assert signature.return_annotation != inspect.Signature.empty
    keyword_only = [
        p for p in signature.parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert keyword_only, f"{name} should take its options by keyword"


@pytest.mark.parametrize(
    "name",
    [
        "apim",
        "lagged_apim",
        "networks",
        "synchrony",
        "pseudo_couple_baseline",
        "same_day_link",
        "couple_links",
    ],
)
def test_every_estimator_gives_its_formula_and_references(name: str) -> None:
    doc = inspect.getdoc(getattr(analytics, name)) or ""
    assert "\nNotes\n" in doc and ":math:" in doc
    assert "\nReferences\n" in doc


def _modules() -> list[str]:
    return [
        f"alongside.analytics.{m.name}"
        for m in pkgutil.iter_modules([str(PACKAGE)])
        if m.name != "tests"
    ]


@pytest.mark.parametrize("module", _modules())
def test_the_examples_run(module: str) -> None:
    failures, _ = doctest.testmod(
        importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert failures == 0


def test_the_package_does_not_import_django() -> None:
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "django" for n in names), path


def test_the_guide_mentions_every_function_and_command() -> None:
    from alongside.analytics.cli import analyze

    guide = Path(__file__).resolve().parents[3] / "docs" / "analytics.md"
    text = guide.read_text()
    for name in PUBLIC:
        assert f"`{name}" in text, f"docs/analytics.md does not mention {name}"
    for command in analyze.commands:
        assert f"alongside analyze {command}" in text, f"docs/analytics.md lacks {command}"
