"""Reading a deployment's import file and storing what it holds.

One file, one of four things:

- a REDCap data dictionary (``.csv``) or ReproSchema activity (``.jsonld``/``.json``)
  with ``into=ID``: the wording for that shipped key;
- the same without ``into``: a whole new instrument;
- a YAML file in the project's format (``.yaml``/``.yml``): a whole instrument (has
  ``id``), a wording pack (has ``instrument_id``, as ``wording_pack_to_data`` writes
  it), or reliable-change figures (has ``reliable_change``: a list of
  ``{instrument, subscale, sd, reliability, reliability_kind, sources}``).

``import_file_read`` checks everything and stores nothing (``alongside instruments
check``); ``import_file_install`` stores what was read (``alongside instruments
import``). Every problem is an ``AssessmentError`` naming the file and the row or field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml
from django.db import transaction

from alongside.assessments import importers
from alongside.assessments.models import (
    InstalledInstrument,
    InstalledWording,
    ReliableChangeFigures,
    base_instrument,
)
from alongside.assessments.spec import (
    AssessmentError,
    ImportFileError,
    InstrumentSpec,
    ReliableChangeParams,
    Source,
    SpecError,
    WordingPack,
    apply_wording,
    parse_spec,
    shipped_instruments,
    with_reliable_change,
    wording_pack_from_data,
)

__all__ = [
    "Figure",
    "ImportPlan",
    "import_file_install",
    "import_file_read",
    "reliable_change_install",
]

_FIGURE_KEYS = ("instrument", "subscale", "sd", "reliability", "reliability_kind", "sources")


@dataclass(frozen=True)
class Figure:
    instrument_id: str
    subscale_id: str
    params: ReliableChangeParams


@dataclass(frozen=True)
class ImportPlan:
    """What one file holds, already checked; nothing is stored yet."""

    file: str
    wording: WordingPack | None = None
    instrument: InstrumentSpec | None = None
    figures: tuple[Figure, ...] = ()

    def describe(self) -> list[str]:
        """One line per thing the file would install, for the command line."""
        lines = []
        if self.wording is not None:
            spec = base_instrument(self.wording.instrument_id)
            lines.append(
                f"wording for {spec.short_title} ({spec.id}): {len(self.wording.items)} items"
                + (f", language {self.wording.language}" if self.wording.language else "")
            )
        if self.instrument is not None:
            spec = self.instrument
            lines.append(
                f"instrument {spec.id} ({spec.title}): {len(spec.items)} items, subscales "
                + ", ".join(s.id for s in spec.subscales)
            )
        for figure in self.figures:
            lines.append(
                f"reliable-change figures for {figure.instrument_id} {figure.subscale_id}: "
                f"SD {figure.params.sd:g}, {figure.params.reliability_kind} reliability "
                f"{figure.params.reliability:g} ({figure.params.sources[0].citation})"
            )
        return lines


def import_file_read(
    *,
    path: str | Path,
    into: str | None = None,
    form: str | None = None,
    language: str = "en",
) -> ImportPlan:
    """Read and check an import file; raises ``AssessmentError`` naming what is wrong."""
    file = Path(path)
    if file.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml(file, into=into)
    if into is not None:
        spec = _target(into)
        pack = cast(
            WordingPack, importers.import_file(file, into=spec, form=form, language=language)
        )
        apply_wording(spec, pack)
        return ImportPlan(file=file.name, wording=pack)
    whole = cast(InstrumentSpec, importers.import_file(file, form=form, language=language))
    _refuse_shipped_id(whole, file.name)
    return ImportPlan(file=file.name, instrument=whole)


@transaction.atomic
def import_file_install(*, plan: ImportPlan, imported_by: str) -> list[str]:
    """Store what ``import_file_read`` found; returns what was installed, in words."""
    if plan.wording is not None:
        InstalledWording.install(plan.wording, imported_by=imported_by)
    if plan.instrument is not None:
        InstalledInstrument.install(plan.instrument, source=plan.file, imported_by=imported_by)
    for figure in plan.figures:
        ReliableChangeFigures.install(
            figure.instrument_id, figure.subscale_id, figure.params, installed_by=imported_by
        )
    return plan.describe()


def reliable_change_install(
    *,
    instrument_id: str,
    subscale_id: str,
    sd: float,
    reliability: float,
    reliability_kind: str,
    citation: str,
    url: str | None,
    installed_by: str,
) -> ReliableChangeFigures:
    """Store cited reliable-change figures for one subscale (the command line's
    ``set-reliable-change``)."""
    if not citation.strip():
        raise AssessmentError("must say where the figures come from", field="citation")
    if not reliability_kind.strip():
        raise AssessmentError(
            "must say which reliability it is (for example test-retest)",
            field="reliability_kind",
        )
    params = ReliableChangeParams(
        sd=sd,
        reliability=reliability,
        reliability_kind=reliability_kind.strip(),
        sources=(Source(citation=citation.strip(), url=(url or "").strip() or None),),
    )
    return ReliableChangeFigures.install(
        instrument_id, subscale_id, params, installed_by=installed_by
    )


# ---------------------------------------------------------------------------- YAML


def _target(instrument_id: str) -> InstrumentSpec:
    try:
        return base_instrument(instrument_id)
    except AssessmentError:
        known = ", ".join(sorted(shipped_instruments()))
        raise AssessmentError(
            f"there is no instrument {instrument_id!r} to add wording to (shipped keys: {known})",
            field="--into",
        ) from None


def _refuse_shipped_id(spec: InstrumentSpec, file: str) -> None:
    if spec.id in shipped_instruments():
        raise ImportFileError(
            f"{spec.id!r} is a shipped scoring key; to add its wording, import the file with "
            f"--into {spec.id}",
            file=file,
            field="id",
        )


def _read_yaml(file: Path, *, into: str | None) -> ImportPlan:
    try:
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportFileError(f"cannot be read: {exc}", file=file.name) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ImportFileError(
            f"is not valid YAML: {getattr(exc, 'problem', exc)}",
            file=file.name,
            line=mark.line + 1 if mark is not None else None,
        ) from exc
    if not isinstance(doc, Mapping):
        raise ImportFileError(
            "must be a mapping: an instrument (id: ...), wording (instrument_id: ...) or "
            "reliable-change figures (reliable_change: [...])",
            file=file.name,
        )
    if "reliable_change" in doc:
        if into is not None:
            raise AssessmentError("is only for wording files", field="--into")
        return ImportPlan(file=file.name, figures=_figures(doc, file.name))
    if "instrument_id" in doc:
        return ImportPlan(file=file.name, wording=_wording_pack(doc, file.name, into))
    if into is not None:
        raise AssessmentError(
            "is only for wording files; this file is a whole instrument", field="--into"
        )
    spec = parse_spec(doc, source=file.name)  # SpecError lists every problem with its field
    _refuse_shipped_id(spec, file.name)
    return ImportPlan(file=file.name, instrument=spec)


def _wording_pack(doc: Mapping[str, Any], file: str, into: str | None) -> WordingPack:
    try:
        pack = wording_pack_from_data(doc)
    except SpecError as exc:
        first = exc.issues[0]
        raise ImportFileError(first.message, file=file, field=first.path) from exc
    if into is not None and into != pack.instrument_id:
        raise ImportFileError(
            f"is wording for {pack.instrument_id!r}, not {into!r}", file=file, field="instrument_id"
        )
    spec = _target(pack.instrument_id)
    try:
        apply_wording(spec, pack)
    except AssessmentError as exc:
        raise ImportFileError(exc.detail, file=file, field=exc.field or "items") from exc
    return pack


def _figures(doc: Mapping[str, Any], file: str) -> tuple[Figure, ...]:
    entries = doc["reliable_change"]
    if not isinstance(entries, list) or not entries:
        raise ImportFileError(
            "must be a list of figures, each with instrument, subscale, sd, reliability, "
            "reliability_kind and sources",
            file=file,
            field="reliable_change",
        )
    figures = []
    for index, entry in enumerate(entries):
        where = f"reliable_change[{index}]"
        figures.append(_figure(entry, where, file))
    return tuple(figures)


def _figure(entry: Any, where: str, file: str) -> Figure:
    def fail(key: str, message: str) -> ImportFileError:
        return ImportFileError(message, file=file, field=f"{where}.{key}" if key else where)

    if not isinstance(entry, Mapping):
        raise fail("", "must be a mapping")
    for key in entry:
        if key not in _FIGURE_KEYS:
            raise fail(str(key), "is not a known field")
    texts: dict[str, str] = {}
    for key in ("instrument", "subscale", "reliability_kind"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(key, "is required (text)")
        texts[key] = value.strip()
    numbers: dict[str, float] = {}
    for key in ("sd", "reliability"):
        value = entry.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(key, "is required (a number)")
        numbers[key] = float(value)
    raw_sources = entry.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise fail("sources", "must cite where the SD and reliability come from")
    sources = []
    for position, raw in enumerate(raw_sources):
        citation = raw.get("citation") if isinstance(raw, Mapping) else None
        if not isinstance(citation, str) or not citation.strip():
            raise fail(f"sources[{position}].citation", "is required (text)")
        url = raw.get("url")
        sources.append(Source(citation=citation.strip(), url=url if isinstance(url, str) else None))
    params = ReliableChangeParams(
        sd=numbers["sd"],
        reliability=numbers["reliability"],
        reliability_kind=texts["reliability_kind"],
        sources=tuple(sources),
    )
    try:
        spec = base_instrument(texts["instrument"])
    except AssessmentError as exc:
        raise fail("instrument", exc.detail) from exc
    try:
        with_reliable_change(spec, texts["subscale"], params)
    except AssessmentError as exc:
        key = exc.field.removeprefix("reliable_change.")
        if key.startswith("subscales["):
            key = "subscale"
        raise fail(key, exc.detail) from exc
    return Figure(instrument_id=spec.id, subscale_id=texts["subscale"], params=params)
