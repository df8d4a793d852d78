"""The privacy core stands alone, and nothing reads other people's data around it.

1. ``alongside/circle/`` imports no feature app: categories and page parts come from the
   registry the apps fill in, so a new category never touches the circle.
2. Outside the circle, no module writes the access log or filters by grants itself:
   ``access.read`` / ``access.read_shared`` are the only way in, and they always log.
"""

from __future__ import annotations

import ast
from pathlib import Path

import alongside

PACKAGE = Path(alongside.__file__).parent
CIRCLE = PACKAGE / "circle"
# What the privacy core may build on: itself, accounts (people, the access log) and lib.
ALLOWED = ("alongside.circle", "alongside.accounts", "alongside.lib")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # "from alongside import checkins" names the app in the alias instead.
            if node.module == "alongside":
                found.extend((node.lineno, f"alongside.{a.name}") for a in node.names)
    return found


def _modules(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)


def test_the_circle_imports_no_feature_app() -> None:
    offending = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in _modules(CIRCLE)
        for line, module in _imports(path)
        if module.startswith("alongside.") and not module.startswith(ALLOWED)
    ]
    assert not offending, "\n".join(offending)


def test_the_walk_would_notice_a_feature_import(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "from alongside.checkins.models import CheckIn\n"
        "from alongside import together\n"
        "import alongside.assessments.views\n"
    )
    modules = [m for _line, m in _imports(sneaky)]
    assert {"alongside.checkins.models", "alongside.together", "alongside.assessments.views"} <= (
        set(modules)
    )


# Names only the circle may touch: the log writer, the grant table for reading, and the
# old helpers (gone, and kept out).
FORBIDDEN_ATTRIBUTES = {"record", "_log", "visible_to", "log_read", "owners_sharing"}


def _direct_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            base = node.value
            base_name = base.id if isinstance(base, ast.Name) else ""
            if node.attr in FORBIDDEN_ATTRIBUTES and base_name in {"access", "AccessLogEntry"}:
                found.append(f"{path.name}:{node.lineno} uses {base_name}.{node.attr}")
            # Reading grants (Grant.objects...) outside the circle would be a second path.
            if node.attr == "objects" and base_name == "Grant":
                found.append(f"{path.name}:{node.lineno} reads Grant.objects")
            if node.attr == "objects" and base_name == "AccessLogEntry":
                found.append(f"{path.name}:{node.lineno} writes AccessLogEntry.objects")
    return found


def test_no_module_outside_the_circle_reads_or_logs_around_the_read_path() -> None:
    offending: list[str] = []
    for path in _modules(PACKAGE):
        if CIRCLE in path.parents or "tests" in path.parts:
            continue
        if path.name == "models.py" and path.parent.name == "accounts":
            continue  # where AccessLogEntry.record itself lives
        if path.name == "demo.py":
            continue  # seeding the demo creates grants, it reads none
        if path.parts[-2:] == ("accounts", "tasks.py"):
            continue  # the log's own housekeeping: deleting visits past their retention
        offending.extend(f"{path.relative_to(PACKAGE.parent)}: {use}" for use in _direct_uses(path))
    assert not offending, "\n".join(offending)
