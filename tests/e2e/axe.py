"""axe-core in the browser tests: installed from the npm registry on first use, run in
the page, serious and critical violations reported in words a person can act on.

The package is fetched once into ``.tools/axe-core-<version>/`` (git-ignored) with npm;
nothing of it is committed. ``.ci/run`` installs npm on a machine without it.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
ROOT = Path(__file__).resolve().parent.parent.parent
AXE_DIR = ROOT / ".tools" / f"axe-core-{AXE_VERSION}"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")


def axe_problem() -> str | None:
    """Why axe-core cannot run here, or None."""
    if AXE_JS.is_file():
        return None
    if shutil.which("npm") is None:
        return "npm is not installed (Debian's 'npm' package), so axe-core cannot be fetched"
    return None


def axe_source() -> str:
    """The axe-core script, fetching it with npm the first time (one process at a time)."""
    if not AXE_JS.is_file():
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        with (AXE_DIR / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not AXE_JS.is_file():
                subprocess.run(
                    [
                        "npm",
                        "install",
                        "--no-save",
                        "--no-audit",
                        "--no-fund",
                        "--prefix",
                        str(AXE_DIR),
                        f"axe-core@{AXE_VERSION}",
                    ],
                    check=True,
                    capture_output=True,
                    timeout=300,
                )
    return AXE_JS.read_text(encoding="utf-8")


def violations(page: Any, source: str) -> list[dict[str, Any]]:
    """Serious and critical violations on the page as it is now."""
    # evaluate() runs outside the page's CSP, which would refuse an injected script tag.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    result = page.evaluate(
        "async () => await window.axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in result["violations"] if v.get("impact") in SEVERE]


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        lines.append(f"{v['impact']}: {v['id']} ({v['help']}) at {targets}")
    return "\n".join(lines)
