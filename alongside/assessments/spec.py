"""The instrument format: load a YAML (or already-parsed) document, validate it, and
return typed, immutable dataclasses.

An instrument is data. One file says which items there are, how they are answered,
which items are reverse-keyed, how subscales are scored and what to do with missing
answers, the published cut-offs, norms and reliable-change figures (each with its
source), whom the instrument is about, its licence and citation, and the project's
own plain-language interpretation texts. ``docs/instruments.md`` documents every
field.

Every problem found is reported with the path of the field that is wrong, for example
``items[3].scale.max: must be greater than min`` (list positions count from 0).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast, get_args

import yaml

__all__ = [
    "FORBIDDEN_INTERPRETATION_WORDS",
    "INSTRUMENTS_DIR",
    "About",
    "AnswerError",
    "AssessmentError",
    "Cutoff",
    "ImportFileError",
    "InstrumentSpec",
    "Interpretation",
    "Item",
    "ItemWording",
    "Licence",
    "Norm",
    "ReliableChangeParams",
    "ReliableChangeUnavailable",
    "ResponseScale",
    "ScaleOption",
    "Source",
    "SpecError",
    "SpecIssue",
    "Subscale",
    "WordingPack",
    "WordingStatus",
    "apply_wording",
    "dump_spec",
    "get_instrument",
    "load_messages",
    "load_spec",
    "parse_spec",
    "shipped_instruments",
    "spec_to_data",
    "validate_spec",
    "with_reliable_change",
    "wording_pack_from_data",
    "wording_pack_to_data",
    "wording_status",
]

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"

Direction = Literal["higher_is_better", "lower_is_better", "neutral"]
Method = Literal["mean", "sum"]
AboutKind = Literal["self", "partner", "relationship"]
Kind = Literal["validated", "reflection", "imported"]
CutoffSide = Literal["below", "at_or_above"]
Presentation = Literal["choice", "pictorial"]

# Words that never belong in an interpretation text: the product explains, it does
# not diagnose. The validator rejects any interpretation or cut-off meaning that
# contains one of these (case-insensitive substring match).
FORBIDDEN_INTERPRETATION_WORDS: tuple[str, ...] = (
    "disorder",
    "diagnos",
    "you have",
    "patholog",
    "abnormal",
    "symptom",
)

_ID_RE = re.compile(r"^[a-z][a-z0-9_-]*$")


# --------------------------------------------------------------------------- errors


class AssessmentError(ValueError):
    """Every error raised by the assessments core.

    ``field`` names what was wrong (a spec path such as ``items[3].scale.max``, an
    answer such as ``answers[q3]``, or a file position); ``detail`` is the message
    without it.
    """

    def __init__(self, detail: str, *, field: str = "") -> None:
        super().__init__(f"{field}: {detail}" if field else detail)
        self.field = field
        self.detail = detail


@dataclass(frozen=True)
class SpecIssue:
    """One problem in an instrument document."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SpecError(AssessmentError):
    """An instrument document does not fit the format; ``issues`` lists every problem."""

    def __init__(self, issues: Sequence[SpecIssue], *, source: str = "") -> None:
        self.issues = tuple(issues)
        self.source = source
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{len(self.issues)} problem(s) in the instrument:\n{lines}")
        self.field = self.issues[0].path if self.issues else ""


class AnswerError(AssessmentError):
    """Answers are incomplete, unknown or outside an item's scale; ``item_ids`` names them."""

    def __init__(self, detail: str, *, item_ids: Sequence[str]) -> None:
        self.item_ids = tuple(item_ids)
        super().__init__(detail, field=", ".join(f"answers[{i}]" for i in self.item_ids))


class ReliableChangeUnavailable(AssessmentError):
    """The spec holds no verified SD and reliability for this subscale."""


class ImportFileError(AssessmentError):
    """A REDCap or ReproSchema file does not fit; names the file, line and field."""

    def __init__(self, detail: str, *, file: str, line: int | None = None, field: str = "") -> None:
        self.file = file
        self.line = line
        self.column = field
        where = file
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field '{field}'"
        super().__init__(detail, field=where)


# ---------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class Source:
    """Where a fact comes from, and whether we checked it against that source."""

    citation: str
    url: str | None = None
    supports: str | None = None
    verified: bool = True
    note: str | None = None


@dataclass(frozen=True)
class ScaleOption:
    value: int
    label: str | None = None


@dataclass(frozen=True)
class ResponseScale:
    """Whole-number answers from ``min`` to ``max``; ``options`` carry labels when known."""

    min: int
    max: int
    options: tuple[ScaleOption, ...] = ()

    def label_for(self, value: int) -> str | None:
        for option in self.options:
            if option.value == value:
                return option.label
        return None

    def contains(self, value: int) -> bool:
        return self.min <= value <= self.max


@dataclass(frozen=True)
class Item:
    id: str
    number: int
    scale: ResponseScale
    wording: str | None = None
    reverse: bool = False
    required: bool = True
    presentation: Presentation = "choice"
    picture: Mapping[str, str] = field(default_factory=dict)

    def keyed(self, answer: int) -> int:
        """The answer after reverse keying: ``min + max - answer`` for reverse items."""
        if self.reverse:
            return self.scale.min + self.scale.max - answer
        return answer


@dataclass(frozen=True)
class Cutoff:
    """A published threshold; ``meaning`` is the project's plain-language reading."""

    id: str
    value: float
    side: CutoffSide
    meaning: str
    source: Source

    def applies(self, score: float | Fraction) -> bool:
        if self.side == "below":
            return score < self.value
        return score >= self.value


@dataclass(frozen=True)
class Norm:
    """Mean and SD of a named reference sample."""

    sample: str
    mean: float
    sd: float
    source: Source
    n: int | None = None


@dataclass(frozen=True)
class ReliableChangeParams:
    """SD and reliability used for the Jacobson-Truax reliable change index."""

    sd: float
    reliability: float
    reliability_kind: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Interpretation:
    """The project's own text for scores from ``min`` up to (not including) ``max``;
    the last band of a subscale also includes its ``max``."""

    min: float
    max: float
    text: str


@dataclass(frozen=True)
class Subscale:
    id: str
    label: str
    items: tuple[str, ...]
    method: Method
    min_answered: int
    direction: Direction
    range: tuple[Fraction, Fraction]
    description: str | None = None
    cutoffs: tuple[Cutoff, ...] = ()
    norms: tuple[Norm, ...] = ()
    reliable_change: ReliableChangeParams | None = None
    interpretations: tuple[Interpretation, ...] = ()

    def interpretation_for(self, score: float | Fraction) -> str | None:
        bands = self.interpretations
        for index, band in enumerate(bands):
            last = index == len(bands) - 1
            if band.min <= score < band.max or (last and score == band.max):
                return band.text
        return None


@dataclass(frozen=True)
class About:
    """Whom the answers are about. ``relationship`` instruments are answered once per
    relationship in ``relationships``; ``global_subscales`` are averaged across them."""

    kind: AboutKind
    relationships: tuple[str, ...] = ()
    relationship_labels: Mapping[str, str] = field(default_factory=dict)
    global_subscales: tuple[str, ...] = ()
    min_relationships: int = 1


@dataclass(frozen=True)
class Licence:
    name: str
    terms: str
    url: str | None = None


@dataclass(frozen=True)
class InstrumentSpec:
    id: str
    version: int
    title: str
    short_title: str
    kind: Kind
    about: About
    items: tuple[Item, ...]
    subscales: tuple[Subscale, ...]
    licence: Licence
    citation: str
    label: str | None = None
    description: str | None = None
    instructions: str | None = None
    wording_shipped: bool = True
    wording_install: str | None = None
    sources: tuple[Source, ...] = ()
    notes: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise AssessmentError(f"no item {item_id!r} in {self.id}", field=f"items[{item_id}]")

    def item_by_number(self, number: int) -> Item:
        for item in self.items:
            if item.number == number:
                return item
        raise AssessmentError(f"no item number {number} in {self.id}", field="items")

    def subscale(self, subscale_id: str) -> Subscale:
        for subscale in self.subscales:
            if subscale.id == subscale_id:
                return subscale
        raise AssessmentError(
            f"no subscale {subscale_id!r} in {self.id}", field=f"subscales[{subscale_id}]"
        )

    @property
    def wording_installed(self) -> bool:
        return all(item.wording is not None for item in self.items)


@dataclass(frozen=True)
class ItemWording:
    """Imported wording for one item: its text and, when the file had them, the
    labels of its answer options."""

    item_id: str
    text: str
    options: tuple[ScaleOption, ...] = ()


@dataclass(frozen=True)
class WordingPack:
    """Wording for a shipped key, taken from the deployment's licensed copy."""

    instrument_id: str
    items: tuple[ItemWording, ...]
    source: str = ""
    language: str | None = None


@dataclass(frozen=True)
class WordingStatus:
    installed: bool
    missing: tuple[str, ...]
    message: str | None


# ------------------------------------------------------------------------ validation


class _Reader:
    """Walks a parsed document, collecting issues with their field paths."""

    def __init__(self) -> None:
        self.issues: list[SpecIssue] = []

    def issue(self, path: str, message: str) -> None:
        self.issues.append(SpecIssue(path, message))

    def mapping(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.issue(path, f"must be a mapping, not {_kind(value)}")
            return None
        return value

    def unknown_keys(self, data: Mapping[str, Any], allowed: Iterable[str], path: str) -> None:
        allowed_set = set(allowed)
        for key in data:
            if key not in allowed_set:
                self.issue(_join(path, str(key)), "is not a known field")

    def text(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True
    ) -> str | None:
        value = data.get(key)
        where = _join(path, key)
        if value is None:
            if required:
                self.issue(where, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.issue(where, f"must be non-empty text, not {_kind(value)}")
            return None
        return value.strip()

    def integer(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True
    ) -> int | None:
        value = data.get(key)
        where = _join(path, key)
        if value is None:
            if required:
                self.issue(where, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.issue(where, f"must be a whole number, not {_kind(value)}")
            return None
        return value

    def number(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True
    ) -> float | None:
        value = data.get(key)
        where = _join(path, key)
        if value is None:
            if required:
                self.issue(where, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.issue(where, f"must be a number, not {_kind(value)}")
            return None
        return float(value)

    def boolean(self, data: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.issue(_join(path, key), f"must be true or false, not {_kind(value)}")
            return default
        return value

    def choice(
        self, data: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...]
    ) -> str | None:
        value = data.get(key)
        where = _join(path, key)
        if value is None:
            self.issue(where, f"is required (one of {', '.join(allowed)})")
            return None
        if value not in allowed:
            self.issue(where, f"must be one of {', '.join(allowed)}, not {value!r}")
            return None
        return cast(str, value)

    def sequence(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True
    ) -> list[Any]:
        value = data.get(key)
        where = _join(path, key)
        if value is None:
            if required:
                self.issue(where, "is required")
            return []
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.issue(where, f"must be a list, not {_kind(value)}")
            return []
        return list(value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, Sequence):
        return "a list"
    return type(value).__name__


_TOP_KEYS = (
    "id",
    "version",
    "title",
    "short_title",
    "kind",
    "label",
    "description",
    "instructions",
    "about",
    "citation",
    "licence",
    "wording",
    "scale",
    "items",
    "subscales",
    "sources",
    "notes",
    "unverified",
)


def validate_spec(data: Any) -> list[SpecIssue]:
    """Every problem in an instrument document (an empty list means it is valid)."""
    reader = _Reader()
    _build(data, reader)
    return reader.issues


def parse_spec(data: Any, *, source: str = "") -> InstrumentSpec:
    """Validate a parsed document and return the instrument, or raise ``SpecError``."""
    reader = _Reader()
    spec = _build(data, reader)
    if reader.issues or spec is None:
        raise SpecError(reader.issues or [SpecIssue("", "not an instrument")], source=source)
    return spec


def load_spec(path: str | Path) -> InstrumentSpec:
    """Read one instrument file (YAML or JSON) from disk."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError([SpecIssue("", f"cannot read the file: {exc}")], source=str(file)) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise SpecError(
            [SpecIssue(where, f"not valid YAML: {getattr(exc, 'problem', exc)}")],
            source=str(file),
        ) from exc
    return parse_spec(data, source=str(file))


@cache
def shipped_instruments() -> Mapping[str, InstrumentSpec]:
    """Every instrument shipped in ``instruments/``, by id (files starting with ``_``
    are shared texts, not instruments)."""
    specs: dict[str, InstrumentSpec] = {}
    for file in sorted(INSTRUMENTS_DIR.glob("*.yaml")):
        if file.name.startswith("_"):
            continue
        spec = load_spec(file)
        if spec.id in specs:
            raise SpecError([SpecIssue("id", f"{spec.id!r} is used twice")], source=str(file))
        specs[spec.id] = spec
    return specs


def get_instrument(instrument_id: str) -> InstrumentSpec:
    """One shipped instrument by id."""
    try:
        return shipped_instruments()[instrument_id]
    except KeyError:
        raise AssessmentError(
            f"no shipped instrument {instrument_id!r}", field="instrument"
        ) from None


@cache
def load_messages() -> Mapping[str, Any]:
    """Shared user-facing texts (reliable-change verdicts, 'wording not installed')."""
    data = yaml.safe_load((INSTRUMENTS_DIR / "_messages.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise SpecError([SpecIssue("", "must be a mapping")], source="_messages.yaml")
    return data


def _build(data: Any, r: _Reader) -> InstrumentSpec | None:
    doc = r.mapping(data, "")
    if doc is None:
        return None
    r.unknown_keys(doc, _TOP_KEYS, "")
    instrument_id = r.text(doc, "id", "")
    if instrument_id is not None and not _ID_RE.match(instrument_id):
        r.issue("id", "must be lower-case letters, digits, '-' or '_', starting with a letter")
    version = r.integer(doc, "version", "")
    if version is not None and version < 1:
        r.issue("version", "must be 1 or more")
    title = r.text(doc, "title", "")
    short_title = r.text(doc, "short_title", "", required=False) or title
    kind = r.choice(doc, "kind", "", get_args(Kind))
    label = r.text(doc, "label", "", required=False)
    if kind == "reflection" and label is None:
        r.issue("label", "is required for a reflection (say it is not a validated questionnaire)")
    description = r.text(doc, "description", "", required=False)
    instructions = r.text(doc, "instructions", "", required=False)
    citation = r.text(doc, "citation", "")
    licence = _licence(doc.get("licence"), r)
    wording_shipped, wording_install = _wording(doc.get("wording"), r)
    default_scale = None
    if "scale" in doc:
        default_scale = _scale(doc["scale"], "scale", r)
    items = _items(doc, default_scale, wording_shipped, r)
    subscales = _subscales(doc, items, r)
    about = _about(doc.get("about"), subscales, r)
    sources = tuple(
        s
        for index, raw in enumerate(r.sequence(doc, "sources", "", required=kind == "validated"))
        if (s := _source(raw, f"sources[{index}]", r)) is not None
    )
    if kind == "validated" and not sources and "sources" in doc:
        r.issue("sources", "a validated instrument must say where its facts come from")
    notes = tuple(_texts(doc, "notes", r))
    unverified = tuple(_texts(doc, "unverified", r))
    if (
        instrument_id is None
        or version is None
        or title is None
        or short_title is None
        or kind is None
        or citation is None
        or licence is None
        or about is None
        or r.issues
    ):
        return None
    return InstrumentSpec(
        id=instrument_id,
        version=version,
        title=title,
        short_title=short_title,
        kind=cast(Kind, kind),
        label=label,
        description=description,
        instructions=instructions,
        about=about,
        items=items,
        subscales=subscales,
        licence=licence,
        citation=citation,
        wording_shipped=wording_shipped,
        wording_install=wording_install,
        sources=sources,
        notes=notes,
        unverified=unverified,
    )


def _texts(doc: Mapping[str, Any], key: str, r: _Reader) -> list[str]:
    out = []
    for index, value in enumerate(r.sequence(doc, key, "", required=False)):
        if not isinstance(value, str) or not value.strip():
            r.issue(f"{key}[{index}]", f"must be non-empty text, not {_kind(value)}")
            continue
        out.append(value.strip())
    return out


def _licence(value: Any, r: _Reader) -> Licence | None:
    data = r.mapping(value, "licence")
    if data is None:
        return None
    r.unknown_keys(data, ("name", "terms", "url"), "licence")
    name = r.text(data, "name", "licence")
    terms = r.text(data, "terms", "licence")
    url = r.text(data, "url", "licence", required=False)
    if name is None or terms is None:
        return None
    return Licence(name=name, terms=terms, url=url)


def _wording(value: Any, r: _Reader) -> tuple[bool, str | None]:
    if value is None:
        return True, None
    data = r.mapping(value, "wording")
    if data is None:
        return True, None
    r.unknown_keys(data, ("shipped", "install"), "wording")
    shipped = r.boolean(data, "shipped", "wording", True)
    install = r.text(data, "install", "wording", required=not shipped)
    return shipped, install


def _source(value: Any, path: str, r: _Reader) -> Source | None:
    data = r.mapping(value, path)
    if data is None:
        return None
    r.unknown_keys(data, ("citation", "url", "supports", "verified", "note"), path)
    citation = r.text(data, "citation", path)
    url = r.text(data, "url", path, required=False)
    supports = r.text(data, "supports", path, required=False)
    verified = r.boolean(data, "verified", path, True)
    note = r.text(data, "note", path, required=False)
    if not verified and note is None:
        r.issue(_join(path, "note"), "is required when verified is false (say what is unchecked)")
    if citation is None:
        return None
    return Source(citation=citation, url=url, supports=supports, verified=verified, note=note)


def _scale(value: Any, path: str, r: _Reader) -> ResponseScale | None:
    data = r.mapping(value, path)
    if data is None:
        return None
    r.unknown_keys(data, ("min", "max", "labels"), path)
    low = r.integer(data, "min", path)
    high = r.integer(data, "max", path)
    if low is not None and high is not None and high <= low:
        r.issue(_join(path, "max"), "must be greater than min")
        return None
    options: list[ScaleOption] = []
    raw_labels = data.get("labels")
    if raw_labels is not None:
        labels = r.mapping(raw_labels, _join(path, "labels"))
        for key, label in (labels or {}).items():
            where = f"{_join(path, 'labels')}.{key}"
            if isinstance(key, bool) or not isinstance(key, int):
                r.issue(where, "must be keyed by a whole-number answer value")
                continue
            if low is not None and high is not None and not low <= key <= high:
                r.issue(where, f"{key} is outside the scale {low} to {high}")
                continue
            if label is not None and (not isinstance(label, str) or not label.strip()):
                r.issue(where, f"must be text or null, not {_kind(label)}")
                continue
            options.append(ScaleOption(key, label.strip() if isinstance(label, str) else None))
    if low is None or high is None:
        return None
    return ResponseScale(low, high, tuple(sorted(options, key=lambda o: o.value)))


_ITEM_KEYS = ("id", "number", "wording", "scale", "reverse", "required", "presentation", "picture")


def _items(
    doc: Mapping[str, Any],
    default_scale: ResponseScale | None,
    wording_shipped: bool,
    r: _Reader,
) -> tuple[Item, ...]:
    raw_items = r.sequence(doc, "items", "")
    if "items" in doc and not raw_items:
        r.issue("items", "must list at least one item")
    items: list[Item] = []
    seen_ids: set[str] = set()
    seen_numbers: set[int] = set()
    for index, raw in enumerate(raw_items):
        path = f"items[{index}]"
        data = r.mapping(raw, path)
        if data is None:
            continue
        r.unknown_keys(data, _ITEM_KEYS, path)
        item_id = r.text(data, "id", path)
        _check_id(r, item_id, path, seen_ids, f"{item_id!r} is used by an earlier item")
        number = r.integer(data, "number", path)
        if number is not None:
            if number < 1:
                r.issue(_join(path, "number"), "must be 1 or more")
            elif number in seen_numbers:
                r.issue(_join(path, "number"), f"{number} is used by an earlier item")
            seen_numbers.add(number)
        wording = data.get("wording")
        if wording is not None:
            if not isinstance(wording, str) or not wording.strip():
                r.issue(_join(path, "wording"), f"must be text or null, not {_kind(wording)}")
                wording = None
            elif not wording_shipped:
                r.issue(
                    _join(path, "wording"),
                    "must be null: this instrument's wording is not shipped (it is imported "
                    "from the deployment's licensed copy)",
                )
        if "scale" in data:
            scale = _scale(data["scale"], _join(path, "scale"), r)
        else:
            scale = default_scale
            if scale is None and "scale" not in doc:
                r.issue(_join(path, "scale"), "is required (or give a top-level scale)")
        reverse = r.boolean(data, "reverse", path, False)
        required = r.boolean(data, "required", path, True)
        presentation = data.get("presentation", "choice")
        if presentation not in get_args(Presentation):
            r.issue(
                _join(path, "presentation"),
                f"must be choice or pictorial, not {presentation!r}",
            )
            presentation = "choice"
        picture: dict[str, str] = {}
        if "picture" in data:
            raw_picture = r.mapping(data["picture"], _join(path, "picture"))
            for key, value in (raw_picture or {}).items():
                if not isinstance(value, str) or not value.strip():
                    r.issue(f"{path}.picture.{key}", f"must be text, not {_kind(value)}")
                else:
                    picture[str(key)] = value.strip()
        if presentation == "pictorial" and not picture:
            r.issue(_join(path, "picture"), "is required for a pictorial item")
        if item_id is None or number is None or scale is None:
            continue
        items.append(
            Item(
                id=item_id,
                number=number,
                scale=scale,
                wording=wording.strip() if isinstance(wording, str) else None,
                reverse=reverse,
                required=required,
                presentation=cast(Presentation, presentation),
                picture=picture,
            )
        )
    return tuple(items)


_SUBSCALE_KEYS = (
    "id",
    "label",
    "description",
    "items",
    "method",
    "missing",
    "direction",
    "range",
    "cutoffs",
    "norms",
    "reliable_change",
    "interpretation",
)


def implied_range(method: Method, items: Sequence[Item]) -> tuple[Fraction, Fraction]:
    """The lowest and highest score the scoring rule allows for these items."""
    low = sum((Fraction(item.scale.min) for item in items), Fraction(0))
    high = sum((Fraction(item.scale.max) for item in items), Fraction(0))
    if method == "mean":
        return low / len(items), high / len(items)
    return low, high


def _check_id(r: _Reader, value: str | None, path: str, seen: set[str], repeated: str) -> None:
    """An id must be a plain slug and unique among its siblings; ``seen`` collects them."""
    if value is None:
        return
    if not _ID_RE.match(value):
        r.issue(_join(path, "id"), "must be lower-case letters, digits, '-' or '_'")
    elif value in seen:
        r.issue(_join(path, "id"), repeated)
    seen.add(value)


def _subscales(doc: Mapping[str, Any], items: tuple[Item, ...], r: _Reader) -> tuple[Subscale, ...]:
    raw_subscales = r.sequence(doc, "subscales", "")
    if "subscales" in doc and not raw_subscales:
        r.issue("subscales", "must list at least one subscale")
    by_id = {item.id: item for item in items}
    subscales: list[Subscale] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_subscales):
        path = f"subscales[{index}]"
        data = r.mapping(raw, path)
        if data is None:
            continue
        r.unknown_keys(data, _SUBSCALE_KEYS, path)
        subscale_id = r.text(data, "id", path)
        _check_id(r, subscale_id, path, seen, f"{subscale_id!r} is used by an earlier subscale")
        label = r.text(data, "label", path)
        description = r.text(data, "description", path, required=False)
        member_ids: list[str] = []
        raw_members = r.sequence(data, "items", path)
        if "items" in data and not raw_members:
            r.issue(_join(path, "items"), "must list at least one item")
        for position, member in enumerate(raw_members):
            where = f"{path}.items[{position}]"
            if not isinstance(member, str):
                r.issue(where, f"must be an item id, not {_kind(member)}")
            elif member not in by_id:
                r.issue(where, f"{member!r} is not an item of this instrument")
            elif member in member_ids:
                r.issue(where, f"{member!r} is listed twice")
            else:
                member_ids.append(member)
        method = r.choice(data, "method", path, get_args(Method))
        min_answered = len(member_ids)
        if "missing" in data:
            missing = r.mapping(data["missing"], _join(path, "missing"))
            if missing is not None:
                r.unknown_keys(missing, ("min_answered",), _join(path, "missing"))
                value = r.integer(missing, "min_answered", _join(path, "missing"))
                if value is not None:
                    if member_ids and not 1 <= value <= len(member_ids):
                        r.issue(
                            f"{path}.missing.min_answered",
                            f"must be between 1 and {len(member_ids)} (the subscale's items)",
                        )
                    else:
                        min_answered = value
        direction = r.choice(data, "direction", path, get_args(Direction))
        members = [by_id[m] for m in member_ids]
        computed: tuple[Fraction, Fraction] | None = None
        if members and method is not None:
            computed = implied_range(cast(Method, method), members)
            if method == "mean" and len({(m.scale.min, m.scale.max) for m in members}) > 1:
                r.issue(
                    _join(path, "method"),
                    "mean scoring needs every item on the same scale (use sum)",
                )
        if "range" in data and computed is not None:
            declared = data["range"]
            ok = (
                isinstance(declared, Sequence)
                and not isinstance(declared, str)
                and len(declared) == 2
                and all(isinstance(v, int | float) and not isinstance(v, bool) for v in declared)
            )
            if not ok:
                r.issue(_join(path, "range"), "must be [lowest, highest]")
            elif (Fraction(declared[0]), Fraction(declared[1])) != computed:
                r.issue(
                    _join(path, "range"),
                    f"declared {list(declared)} but the items and method imply "
                    f"[{_num(computed[0])}, {_num(computed[1])}]",
                )
        cutoffs = _cutoffs(data, path, computed, r)
        norms = _norms(data, path, r)
        reliable = None
        if data.get("reliable_change") is not None:
            reliable = _reliable(data["reliable_change"], _join(path, "reliable_change"), r)
        interpretations = _interpretations(data, path, computed, r)
        if (
            subscale_id is None
            or label is None
            or method is None
            or direction is None
            or computed is None
        ):
            continue
        subscales.append(
            Subscale(
                id=subscale_id,
                label=label,
                description=description,
                items=tuple(member_ids),
                method=cast(Method, method),
                min_answered=min_answered,
                direction=cast(Direction, direction),
                range=computed,
                cutoffs=cutoffs,
                norms=norms,
                reliable_change=reliable,
                interpretations=interpretations,
            )
        )
    return tuple(subscales)


def _num(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _non_diagnostic(text: str, path: str, r: _Reader) -> None:
    lowered = text.lower()
    for word in FORBIDDEN_INTERPRETATION_WORDS:
        if word in lowered:
            r.issue(path, f"uses {word!r}: interpretation texts explain, they never diagnose")


def _cutoffs(
    data: Mapping[str, Any],
    path: str,
    computed: tuple[Fraction, Fraction] | None,
    r: _Reader,
) -> tuple[Cutoff, ...]:
    out = []
    for index, raw in enumerate(r.sequence(data, "cutoffs", path, required=False)):
        where = f"{path}.cutoffs[{index}]"
        entry = r.mapping(raw, where)
        if entry is None:
            continue
        r.unknown_keys(entry, ("id", "value", "side", "meaning", "source"), where)
        cutoff_id = r.text(entry, "id", where)
        value = r.number(entry, "value", where)
        side = r.choice(entry, "side", where, get_args(CutoffSide))
        meaning = r.text(entry, "meaning", where)
        if meaning is not None:
            _non_diagnostic(meaning, _join(where, "meaning"), r)
        source = _source(entry.get("source"), _join(where, "source"), r)
        if value is not None and computed is not None and not computed[0] <= value <= computed[1]:
            r.issue(_join(where, "value"), f"{value} is outside the score range")
        if None in (cutoff_id, value, side, meaning, source):
            continue
        out.append(
            Cutoff(
                id=cast(str, cutoff_id),
                value=cast(float, value),
                side=cast(CutoffSide, side),
                meaning=cast(str, meaning),
                source=cast(Source, source),
            )
        )
    return tuple(out)


def _norms(data: Mapping[str, Any], path: str, r: _Reader) -> tuple[Norm, ...]:
    out = []
    for index, raw in enumerate(r.sequence(data, "norms", path, required=False)):
        where = f"{path}.norms[{index}]"
        entry = r.mapping(raw, where)
        if entry is None:
            continue
        r.unknown_keys(entry, ("sample", "mean", "sd", "n", "source"), where)
        sample = r.text(entry, "sample", where)
        mean = r.number(entry, "mean", where)
        sd = r.number(entry, "sd", where)
        n = r.integer(entry, "n", where, required=False)
        if sd is not None and sd <= 0:
            r.issue(_join(where, "sd"), "must be greater than 0")
            sd = None
        source = _source(entry.get("source"), _join(where, "source"), r)
        if sample is None or mean is None or sd is None or source is None:
            continue
        out.append(Norm(sample=sample, mean=mean, sd=sd, n=n, source=source))
    return tuple(out)


def _reliable(value: Any, path: str, r: _Reader) -> ReliableChangeParams | None:
    entry = r.mapping(value, path)
    if entry is None:
        return None
    r.unknown_keys(entry, ("sd", "reliability", "reliability_kind", "sources"), path)
    sd = r.number(entry, "sd", path)
    reliability = r.number(entry, "reliability", path)
    kind = r.text(entry, "reliability_kind", path)
    if sd is not None and sd <= 0:
        r.issue(_join(path, "sd"), "must be greater than 0")
    if reliability is not None and not 0 < reliability < 1:
        r.issue(_join(path, "reliability"), "must be between 0 and 1 (exclusive)")
    sources = tuple(
        s
        for index, raw in enumerate(r.sequence(entry, "sources", path))
        if (s := _source(raw, f"{path}.sources[{index}]", r)) is not None
    )
    if "sources" in entry and not sources:
        r.issue(_join(path, "sources"), "must cite where the SD and reliability come from")
    if sd is None or reliability is None or kind is None or not sources:
        return None
    if sd <= 0 or not 0 < reliability < 1:
        return None
    return ReliableChangeParams(
        sd=sd, reliability=reliability, reliability_kind=kind, sources=sources
    )


def _interpretations(
    data: Mapping[str, Any],
    path: str,
    computed: tuple[Fraction, Fraction] | None,
    r: _Reader,
) -> tuple[Interpretation, ...]:
    out: list[Interpretation] = []
    for index, raw in enumerate(r.sequence(data, "interpretation", path, required=False)):
        where = f"{path}.interpretation[{index}]"
        entry = r.mapping(raw, where)
        if entry is None:
            continue
        r.unknown_keys(entry, ("min", "max", "text"), where)
        low = r.number(entry, "min", where)
        high = r.number(entry, "max", where)
        text = r.text(entry, "text", where)
        if text is not None:
            _non_diagnostic(text, _join(where, "text"), r)
        if low is not None and high is not None and high <= low:
            r.issue(_join(where, "max"), "must be greater than min")
            continue
        if low is None or high is None or text is None:
            continue
        out.append(Interpretation(min=low, max=high, text=text))
    if out and computed is not None:
        where = _join(path, "interpretation")
        if Fraction(out[0].min) != computed[0]:
            r.issue(f"{where}[0].min", f"must start at the lowest score {_num(computed[0])}")
        for index in range(1, len(out)):
            if out[index].min != out[index - 1].max:
                r.issue(
                    f"{where}[{index}].min",
                    f"must equal the previous band's max {out[index - 1].max} "
                    "(no gaps or overlaps)",
                )
        if Fraction(out[-1].max) != computed[1]:
            r.issue(
                f"{where}[{len(out) - 1}].max",
                f"must end at the highest score {_num(computed[1])}",
            )
    return tuple(out)


def _about(value: Any, subscales: tuple[Subscale, ...], r: _Reader) -> About | None:
    data = r.mapping(value, "about")
    if data is None:
        return None
    r.unknown_keys(data, ("kind", "relationships", "global"), "about")
    kind = r.choice(data, "kind", "about", get_args(AboutKind))
    relationships: list[str] = []
    labels: dict[str, str] = {}
    for index, raw in enumerate(r.sequence(data, "relationships", "about", required=False)):
        where = f"about.relationships[{index}]"
        entry = r.mapping(raw, where)
        if entry is None:
            continue
        r.unknown_keys(entry, ("id", "label"), where)
        rel_id = r.text(entry, "id", where)
        rel_label = r.text(entry, "label", where)
        if rel_id is None or rel_label is None:
            continue
        _check_id(r, rel_id, where, set(labels), f"{rel_id!r} is listed twice")
        relationships.append(rel_id)
        labels[rel_id] = rel_label
    if kind == "relationship" and not relationships:
        r.issue("about.relationships", "is required when kind is relationship")
    if kind != "relationship" and relationships:
        r.issue("about.relationships", "is only for kind relationship")
    global_ids: list[str] = []
    min_relationships = 1
    if data.get("global") is not None:
        glob = r.mapping(data["global"], "about.global")
        if glob is not None:
            r.unknown_keys(glob, ("subscales", "method", "min_relationships"), "about.global")
            method = glob.get("method", "mean_across_relationships")
            if method != "mean_across_relationships":
                r.issue("about.global.method", "must be mean_across_relationships")
            known = {s.id for s in subscales}
            for index, sub in enumerate(r.sequence(glob, "subscales", "about.global")):
                if sub not in known:
                    r.issue(f"about.global.subscales[{index}]", f"{sub!r} is not a subscale")
                else:
                    global_ids.append(sub)
            value = r.integer(glob, "min_relationships", "about.global", required=False)
            if value is not None:
                if not 1 <= value <= max(1, len(relationships)):
                    r.issue(
                        "about.global.min_relationships",
                        "must be between 1 and the number of relationships",
                    )
                else:
                    min_relationships = value
        if kind != "relationship":
            r.issue("about.global", "is only for kind relationship")
    if kind is None:
        return None
    return About(
        kind=cast(AboutKind, kind),
        relationships=tuple(relationships),
        relationship_labels=labels,
        global_subscales=tuple(global_ids),
        min_relationships=min_relationships,
    )


# --------------------------------------------------------------------- serialising


def _source_data(source: Source) -> dict[str, Any]:
    out: dict[str, Any] = {"citation": source.citation}
    if source.url is not None:
        out["url"] = source.url
    if source.supports is not None:
        out["supports"] = source.supports
    if not source.verified:
        out["verified"] = False
    if source.note is not None:
        out["note"] = source.note
    return out


def _scale_data(scale: ResponseScale) -> dict[str, Any]:
    out: dict[str, Any] = {"min": scale.min, "max": scale.max}
    if scale.options:
        out["labels"] = {o.value: o.label for o in scale.options}
    return out


def _plain(value: float | Fraction) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def spec_to_data(spec: InstrumentSpec) -> dict[str, Any]:
    """The instrument as plain data in the file format (``parse_spec`` reads it back)."""
    out: dict[str, Any] = {
        "id": spec.id,
        "version": spec.version,
        "title": spec.title,
        "short_title": spec.short_title,
        "kind": spec.kind,
    }
    for key in ("label", "description", "instructions"):
        if getattr(spec, key) is not None:
            out[key] = getattr(spec, key)
    about: dict[str, Any] = {"kind": spec.about.kind}
    if spec.about.relationships:
        about["relationships"] = [
            {"id": rel, "label": spec.about.relationship_labels[rel]}
            for rel in spec.about.relationships
        ]
    if spec.about.global_subscales:
        about["global"] = {
            "subscales": list(spec.about.global_subscales),
            "method": "mean_across_relationships",
            "min_relationships": spec.about.min_relationships,
        }
    out["about"] = about
    out["citation"] = spec.citation
    licence: dict[str, Any] = {"name": spec.licence.name, "terms": spec.licence.terms}
    if spec.licence.url is not None:
        licence["url"] = spec.licence.url
    out["licence"] = licence
    wording: dict[str, Any] = {"shipped": spec.wording_shipped}
    if spec.wording_install is not None:
        wording["install"] = spec.wording_install
    out["wording"] = wording
    items = []
    for item in spec.items:
        entry: dict[str, Any] = {"id": item.id, "number": item.number}
        if item.wording is not None:
            entry["wording"] = item.wording
        entry["scale"] = _scale_data(item.scale)
        if item.reverse:
            entry["reverse"] = True
        if not item.required:
            entry["required"] = False
        if item.presentation != "choice":
            entry["presentation"] = item.presentation
        if item.picture:
            entry["picture"] = dict(item.picture)
        items.append(entry)
    out["items"] = items
    subscales = []
    for sub in spec.subscales:
        entry = {"id": sub.id, "label": sub.label}
        if sub.description is not None:
            entry["description"] = sub.description
        entry["items"] = list(sub.items)
        entry["method"] = sub.method
        entry["missing"] = {"min_answered": sub.min_answered}
        entry["direction"] = sub.direction
        entry["range"] = [_plain(sub.range[0]), _plain(sub.range[1])]
        if sub.cutoffs:
            entry["cutoffs"] = [
                {
                    "id": c.id,
                    "value": c.value,
                    "side": c.side,
                    "meaning": c.meaning,
                    "source": _source_data(c.source),
                }
                for c in sub.cutoffs
            ]
        if sub.norms:
            entry["norms"] = [
                {
                    "sample": n.sample,
                    "mean": n.mean,
                    "sd": n.sd,
                    **({"n": n.n} if n.n is not None else {}),
                    "source": _source_data(n.source),
                }
                for n in sub.norms
            ]
        if sub.reliable_change is not None:
            rc = sub.reliable_change
            entry["reliable_change"] = {
                "sd": rc.sd,
                "reliability": rc.reliability,
                "reliability_kind": rc.reliability_kind,
                "sources": [_source_data(s) for s in rc.sources],
            }
        if sub.interpretations:
            entry["interpretation"] = [
                {"min": _plain(i.min), "max": _plain(i.max), "text": i.text}
                for i in sub.interpretations
            ]
        subscales.append(entry)
    out["subscales"] = subscales
    if spec.sources:
        out["sources"] = [_source_data(s) for s in spec.sources]
    if spec.notes:
        out["notes"] = list(spec.notes)
    if spec.unverified:
        out["unverified"] = list(spec.unverified)
    return out


def dump_spec(spec: InstrumentSpec) -> str:
    """The instrument as YAML text in the file format."""
    return yaml.safe_dump(spec_to_data(spec), sort_keys=False, allow_unicode=True, width=88)


# ------------------------------------------------------------------------- wording


def wording_status(spec: InstrumentSpec) -> WordingStatus:
    """Whether the item wording is installed, and if not, how to install it."""
    missing = tuple(item.id for item in spec.items if item.wording is None)
    if not missing:
        return WordingStatus(installed=True, missing=(), message=None)
    template = str(load_messages()["wording_not_installed"])
    message = template.format(
        title=spec.short_title, install=spec.wording_install or "", count=len(missing)
    ).strip()
    return WordingStatus(installed=False, missing=missing, message=message)


def apply_wording(spec: InstrumentSpec, pack: WordingPack) -> InstrumentSpec:
    """A copy of ``spec`` carrying the wording in ``pack`` (every item must be covered,
    and any option labels must fall inside the item's scale)."""
    if pack.instrument_id != spec.id:
        raise AssessmentError(
            f"the wording is for {pack.instrument_id!r}, not {spec.id!r}", field="instrument_id"
        )
    by_item = {w.item_id: w for w in pack.items}
    unknown = sorted(set(by_item) - {item.id for item in spec.items})
    if unknown:
        raise AnswerError(f"not items of {spec.id}", item_ids=unknown)
    missing = [item.id for item in spec.items if item.id not in by_item]
    if missing:
        raise AnswerError(f"the wording does not cover these items of {spec.id}", item_ids=missing)
    items = []
    for item in spec.items:
        words = by_item[item.id]
        scale = item.scale
        if words.options:
            outside = [o.value for o in words.options if not scale.contains(o.value)]
            if outside:
                raise AnswerError(
                    f"option values {outside} are outside the scale {scale.min} to {scale.max}",
                    item_ids=[item.id],
                )
            scale = replace(scale, options=tuple(sorted(words.options, key=lambda o: o.value)))
        items.append(replace(item, wording=words.text, scale=scale))
    return replace(spec, items=tuple(items))


def wording_pack_to_data(pack: WordingPack) -> dict[str, Any]:
    """Plain data for storing a wording pack (for example as JSON in the database)."""
    return {
        "instrument_id": pack.instrument_id,
        "source": pack.source,
        "language": pack.language,
        "items": [
            {
                "item_id": w.item_id,
                "text": w.text,
                "options": [{"value": o.value, "label": o.label} for o in w.options],
            }
            for w in pack.items
        ],
    }


def wording_pack_from_data(data: Any) -> WordingPack:
    """Read back what ``wording_pack_to_data`` wrote."""
    r = _Reader()
    doc = r.mapping(data, "")
    if doc is None:
        raise SpecError(r.issues)
    instrument_id = r.text(doc, "instrument_id", "")
    items = []
    for index, raw in enumerate(r.sequence(doc, "items", "")):
        where = f"items[{index}]"
        entry = r.mapping(raw, where)
        if entry is None:
            continue
        item_id = r.text(entry, "item_id", where)
        text = r.text(entry, "text", where)
        options = []
        for position, option in enumerate(r.sequence(entry, "options", where, required=False)):
            spot = f"{where}.options[{position}]"
            option_map = r.mapping(option, spot)
            if option_map is None:
                continue
            value = r.integer(option_map, "value", spot)
            label = option_map.get("label")
            if value is not None:
                options.append(ScaleOption(value, label if isinstance(label, str) else None))
        if item_id is not None and text is not None:
            items.append(ItemWording(item_id=item_id, text=text, options=tuple(options)))
    if r.issues or instrument_id is None:
        raise SpecError(r.issues or [SpecIssue("instrument_id", "is required")])
    language = doc.get("language")
    return WordingPack(
        instrument_id=instrument_id,
        items=tuple(items),
        source=str(doc.get("source") or ""),
        language=language if isinstance(language, str) else None,
    )


# ---------------------------------------------------------------- reliable change


def with_reliable_change(
    spec: InstrumentSpec, subscale_id: str, params: ReliableChangeParams
) -> InstrumentSpec:
    """A copy of ``spec`` whose subscale uses these reliable-change figures.

    For deployments that hold an SD and reliability from their own reference sample
    (cite it in ``params.sources``) where the shipped file has none.
    """
    if params.sd <= 0:
        raise AssessmentError("must be greater than 0", field="reliable_change.sd")
    if not 0 < params.reliability < 1:
        raise AssessmentError(
            "must be between 0 and 1 (exclusive)", field="reliable_change.reliability"
        )
    if not params.sources:
        raise AssessmentError("must cite a source", field="reliable_change.sources")
    spec.subscale(subscale_id)
    subscales = tuple(
        replace(sub, reliable_change=params) if sub.id == subscale_id else sub
        for sub in spec.subscales
    )
    return replace(spec, subscales=subscales)
