"""Importers: REDCap data dictionaries (CSV) and ReproSchema activities (JSON-LD) on
disk become either a whole instrument or the wording for a shipped scoring key.

Wording for a shipped key is matched to its items by order (the n-th answerable field
is item number n) or by an explicit ``mapping`` from field name to item id; the
answer codes in the file must run over the same range as the key's scale, because
the codes, not the positions of the options, are what gets scored.

Scoring hints that neither format has a standard place for are read from
``@ALONGSIDE-REVERSE`` and ``@ALONGSIDE-SUBSCALE=a,b`` in a REDCap field's Field
Annotation (REDCap ignores unknown action tags), and from ``"alongside:reverse": true``
and ``"alongside:subscales": ["a", "b"]`` in a ReproSchema item. Without any subscale
hint the instrument gets one subscale, ``total``.

Every problem raises ``ImportFileError`` naming the file, the line (REDCap) and the
column or JSON field that does not fit.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alongside.assessments.spec import (
    AssessmentError,
    ImportFileError,
    InstrumentSpec,
    ItemWording,
    ScaleOption,
    SpecError,
    WordingPack,
    parse_spec,
)
from alongside.lib.csvsafe import safe_cell, unescape_cell
from alongside.lib.numbers import whole_number

__all__ = [
    "REDCAP_COLUMNS",
    "import_file",
    "instrument_from_redcap",
    "instrument_from_reproschema",
    "spec_to_redcap_csv",
    "wording_from_redcap",
    "wording_from_reproschema",
]

# The column headings of a REDCap data dictionary export, in REDCap's order.
REDCAP_COLUMNS: tuple[str, ...] = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)

# Our short names for the columns we read, and how to recognise their headings.
_COLUMN_PREFIXES: dict[str, tuple[str, ...]] = {
    "name": ("variable / field name", "field name", "variable"),
    "form": ("form name",),
    "section": ("section header",),
    "type": ("field type",),
    "label": ("field label",),
    "choices": ("choices",),
    "validation_min": ("text validation min",),
    "validation_max": ("text validation max",),
    "required": ("required field",),
    "annotation": ("field annotation",),
}
_NEEDED_COLUMNS = ("name", "form", "type", "label", "choices")
_ANSWERABLE_TYPES = ("radio", "dropdown", "slider", "yesno", "truefalse")
_SKIPPED_TYPES = ("descriptive",)
_FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_TAG_RE = re.compile(r"<[^>]+>")
_SUBSCALE_TAG_RE = re.compile(r"@ALONGSIDE-SUBSCALE=([A-Za-z0-9_,\-]+)")


@dataclass(frozen=True)
class _Field:
    """One answerable question read from a file."""

    line: int | None
    where: str  # the file the field came from
    name: str
    label: str
    minimum: int
    maximum: int
    options: tuple[ScaleOption, ...]
    required: bool
    reverse: bool
    subscales: tuple[str, ...]
    scale_field: str  # the column or JSON field that holds the answer codes


@dataclass(frozen=True)
class _Form:
    instrument_id: str
    title: str
    file: str
    fields: tuple[_Field, ...]
    language: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------- REDCap


def _clean_label(text: str) -> str:
    return re.sub(r"\s+", " ", _TAG_RE.sub(" ", text)).strip()


def _column_map(header: Sequence[str], file: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, heading in enumerate(header):
        lowered = heading.strip().lower().lstrip("\ufeff")
        for key, prefixes in _COLUMN_PREFIXES.items():
            if key not in columns and any(lowered.startswith(p) for p in prefixes):
                columns[key] = index
    missing = [key for key in _NEEDED_COLUMNS if key not in columns]
    if missing:
        names = {
            "name": "Variable / Field Name",
            "form": "Form Name",
            "type": "Field Type",
            "label": "Field Label",
            "choices": "Choices, Calculations, OR Slider Labels",
        }
        raise ImportFileError(
            "is missing from the header; a REDCap data dictionary needs the columns "
            + ", ".join(f"'{names[key]}'" for key in _NEEDED_COLUMNS),
            file=file,
            line=1,
            field=names[missing[0]],
        )
    return columns


def _parse_choices(
    raw: str, *, file: str, line: int, heading: str
) -> tuple[int, int, tuple[ScaleOption, ...]]:
    options: list[ScaleOption] = []
    for part in raw.split("|"):
        piece = part.strip()
        if not piece:
            continue
        code, sep, label = piece.partition(",")
        if not sep:
            raise ImportFileError(
                f"{piece!r} is not 'code, label'", file=file, line=line, field=heading
            )
        try:
            value = int(code.strip())
        except ValueError:
            raise ImportFileError(
                f"the code {code.strip()!r} in {piece!r} is not a whole number "
                "(only numbered answers can be scored)",
                file=file,
                line=line,
                field=heading,
            ) from None
        if any(o.value == value for o in options):
            raise ImportFileError(
                f"the code {value} is used twice", file=file, line=line, field=heading
            )
        options.append(ScaleOption(value, _clean_label(label) or None))
    if len(options) < 2:
        raise ImportFileError(
            "needs at least two answers such as '1, Not at all | 2, A little'",
            file=file,
            line=line,
            field=heading,
        )
    values = sorted(o.value for o in options)
    if values != list(range(values[0], values[-1] + 1)):
        raise ImportFileError(
            f"the codes {values} must run without gaps (for example 1, 2, 3, 4, 5)",
            file=file,
            line=line,
            field=heading,
        )
    return values[0], values[-1], tuple(sorted(options, key=lambda o: o.value))


def _redcap_int(value: str, default: int, *, file: str, line: int, heading: str) -> int:
    if not value.strip():
        return default
    try:
        return int(value.strip())
    except ValueError:
        raise ImportFileError(
            f"{value.strip()!r} is not a whole number", file=file, line=line, field=heading
        ) from None


def _read_redcap(path: str | Path, *, form: str | None) -> _Form:
    file = Path(path)
    where = file.name
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"cannot be read: {exc}", file=where) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("is empty", file=where, line=1) from None
    except csv.Error as exc:
        raise ImportFileError(f"is not valid CSV: {exc}", file=where, line=1) from exc
    columns = _column_map(header, where)
    headings = {key: header[index].strip().lstrip("\ufeff") for key, index in columns.items()}

    def cell(row: Sequence[str], key: str) -> str:
        index = columns.get(key)
        if index is None or index >= len(row):
            return ""
        # A dictionary this project exported quotes what looked like a formula.
        return unescape_cell(row[index])

    fields: list[_Field] = []
    forms_seen: list[str] = []
    first_field = True
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFileError(f"is not valid CSV: {exc}", file=where, line=start) from exc
        line = start
        if not any(value.strip() for value in row):
            continue
        name = cell(row, "name").strip()
        form_name = cell(row, "form").strip()
        field_type = cell(row, "type").strip().lower()
        was_first = first_field
        first_field = False
        if not _FIELD_NAME_RE.match(name):
            raise ImportFileError(
                f"{name!r} is not a REDCap field name (lower-case letters, digits and "
                "underscores, starting with a letter)",
                file=where,
                line=line,
                field=headings["name"],
            )
        if not form_name:
            raise ImportFileError("is empty", file=where, line=line, field=headings["form"])
        if form is not None and form_name != form:
            continue
        if form_name not in forms_seen:
            forms_seen.append(form_name)
            if len(forms_seen) > 1:
                raise ImportFileError(
                    f"the file holds more than one form ({', '.join(forms_seen)}); "
                    "choose one with form=...",
                    file=where,
                    line=line,
                    field=headings["form"],
                )
        if field_type in _SKIPPED_TYPES or (was_first and field_type == "text"):
            continue  # descriptive text, or the record id REDCap puts first
        if field_type not in _ANSWERABLE_TYPES:
            raise ImportFileError(
                f"field {name!r} has type {field_type!r}, which cannot be scored; use "
                + ", ".join(_ANSWERABLE_TYPES)
                + " (or descriptive for text without an answer)",
                file=where,
                line=line,
                field=headings["type"],
            )
        label = _clean_label(cell(row, "label"))
        if not label:
            raise ImportFileError(
                f"field {name!r} has no question text",
                file=where,
                line=line,
                field=headings["label"],
            )
        choices_heading = headings["choices"]
        raw_choices = cell(row, "choices")
        if field_type in ("radio", "dropdown"):
            low, high, options = _parse_choices(
                raw_choices, file=where, line=line, heading=choices_heading
            )
        elif field_type == "yesno":
            low, high, options = 0, 1, (ScaleOption(0, "No"), ScaleOption(1, "Yes"))
        elif field_type == "truefalse":
            low, high, options = 0, 1, (ScaleOption(0, "False"), ScaleOption(1, "True"))
        else:  # slider
            min_heading = headings.get("validation_min", "Text Validation Min")
            max_heading = headings.get("validation_max", "Text Validation Max")
            low = _redcap_int(
                cell(row, "validation_min"), 0, file=where, line=line, heading=min_heading
            )
            high = _redcap_int(
                cell(row, "validation_max"), 100, file=where, line=line, heading=max_heading
            )
            if high <= low:
                raise ImportFileError(
                    f"the slider maximum {high} must be greater than its minimum {low}",
                    file=where,
                    line=line,
                    field=max_heading,
                )
            anchors = [_clean_label(p) for p in raw_choices.split("|") if p.strip()]
            spots = {1: [low], 2: [low, high], 3: [low, (low + high) // 2, high]}
            options = tuple(
                ScaleOption(value, text)
                for value, text in zip(spots.get(len(anchors), []), anchors, strict=False)
            )
            choices_heading = max_heading
        annotation = cell(row, "annotation")
        subscales: tuple[str, ...] = ()
        match = _SUBSCALE_TAG_RE.search(annotation)
        if match:
            subscales = tuple(s for s in match.group(1).split(",") if s)
        fields.append(
            _Field(
                line=line,
                where=where,
                name=name,
                label=label,
                minimum=low,
                maximum=high,
                options=options,
                required=cell(row, "required").strip().lower() in ("y", "yes", "1"),
                reverse="@ALONGSIDE-REVERSE" in annotation,
                subscales=subscales,
                scale_field=choices_heading,
            )
        )
    if not fields:
        chosen = f" in form {form!r}" if form else ""
        raise ImportFileError(
            f"has no answerable fields{chosen} (radio, dropdown, slider, yesno, truefalse)",
            file=where,
            line=line,
        )
    form_name = forms_seen[0]
    return _Form(
        instrument_id=form_name.lower(),
        title=form_name.replace("_", " ").strip().capitalize(),
        file=where,
        fields=tuple(fields),
    )


def instrument_from_redcap(
    path: str | Path, *, form: str | None = None, instrument_id: str | None = None
) -> InstrumentSpec:
    """A whole instrument from a REDCap data dictionary (one form)."""
    return _instrument(
        _read_redcap(path, form=form), instrument_id=instrument_id, kind="REDCap data dictionary"
    )


def wording_from_redcap(
    path: str | Path,
    spec: InstrumentSpec,
    *,
    form: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> WordingPack:
    """Wording for ``spec`` from a REDCap data dictionary, matched by item number
    (field order) or by ``mapping`` (field name -> item id)."""
    return _wording(_read_redcap(path, form=form), spec, mapping=mapping)


def spec_to_redcap_csv(spec: InstrumentSpec) -> str:
    """The instrument as a REDCap data dictionary (to build a REDCap project from it).

    The wording must be installed; reverse keys and subscales travel as
    ``@ALONGSIDE-...`` annotations so the file imports back into the same key.
    """
    missing = [item.id for item in spec.items if item.wording is None]
    if missing:
        raise AssessmentError(
            f"the wording of {spec.short_title} is not installed, so it cannot be exported",
            field=", ".join(f"items[{m}]" for m in missing[:3]),
        )
    form = spec.id.replace("-", "_")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REDCAP_COLUMNS)
    writer.writerow(["record_id", form, "", "text", "Record ID"] + [""] * 13)
    for item in spec.items:
        labels = {o.value: o.label for o in item.scale.options}
        choices = " | ".join(
            f"{value}, {labels.get(value) or value}"
            for value in range(item.scale.min, item.scale.max + 1)
        )
        memberships = [s.id for s in spec.subscales if item.id in s.items]
        tags = []
        if item.reverse:
            tags.append("@ALONGSIDE-REVERSE")
        if memberships:
            tags.append("@ALONGSIDE-SUBSCALE=" + ",".join(memberships))
        row = [""] * len(REDCAP_COLUMNS)
        row[0] = item.id
        row[1] = form
        row[3] = "radio"
        row[4] = item.wording or ""
        row[5] = choices
        row[12] = "y" if item.required else ""
        # Wording may start like a formula; the action tags (ours alone) must start with @.
        writer.writerow([safe_cell(value) for value in row[:17]] + [" ".join(tags)])
    return out.getvalue()


# -------------------------------------------------------------------- ReproSchema


def _load_json(path: Path, *, shown: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"cannot be read: {exc}", file=shown) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"is not valid JSON: {exc.msg}", file=shown, line=exc.lineno) from exc


def _in_language(value: Any, language: str) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        if isinstance(value.get(language), str):
            return str(value[language])
        texts = [v for v in value.values() if isinstance(v, str)]
        if len(texts) == 1:
            return texts[0]
    return None


def _types(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return [v for v in value if isinstance(v, str)]
    return []


def _find(base: Path, reference: str) -> Path | None:
    reference = reference.split("#", 1)[0]
    for candidate in (reference, f"{reference}.jsonld", f"{reference}.json"):
        path = (base / candidate).resolve()
        if path.is_file():
            return path
    return None


def _read_reproschema(path: str | Path, *, language: str) -> _Form:
    activity_path = Path(path).resolve()
    shown = activity_path.name
    activity = _load_json(activity_path, shown=shown)
    if not isinstance(activity, Mapping):
        raise ImportFileError("must be a JSON object (a ReproSchema activity)", file=shown)
    types = _types(activity.get("@type"))
    if types and not any(t.split(":")[-1] == "Activity" for t in types):
        raise ImportFileError(
            f"is {types[0]!r}; expected a reproschema:Activity", file=shown, field="@type"
        )
    ui = activity.get("ui")
    if not isinstance(ui, Mapping):
        raise ImportFileError(
            "is required (with the list of items in ui.order)", file=shown, field="ui"
        )
    order = ui.get("order")
    if not isinstance(order, Sequence) or isinstance(order, str) or not order:
        raise ImportFileError("must list the activity's items", file=shown, field="ui.order")
    properties: dict[str, Mapping[str, Any]] = {}
    raw_properties = ui.get("addProperties") or []
    if not isinstance(raw_properties, Sequence) or isinstance(raw_properties, str):
        raise ImportFileError("must be a list", file=shown, field="ui.addProperties")
    for index, prop in enumerate(raw_properties):
        if not isinstance(prop, Mapping) or not isinstance(prop.get("isAbout"), str):
            raise ImportFileError(
                "must be an object with isAbout", file=shown, field=f"ui.addProperties[{index}]"
            )
        properties[str(prop["isAbout"])] = prop
    raw_id = activity.get("@id") or activity.get("id") or activity_path.stem
    instrument_id = re.sub(r"[^a-z0-9_-]+", "-", str(raw_id).lower().split("/")[-1]).strip("-")
    instrument_id = re.sub(r"(_schema|-schema)$", "", instrument_id) or "imported"
    title = _in_language(activity.get("prefLabel"), language) or _in_language(
        activity.get("schema:name") or activity.get("name"), language
    )
    fields: list[_Field] = []
    for index, reference in enumerate(order):
        where_in_activity = f"ui.order[{index}]"
        if not isinstance(reference, str):
            raise ImportFileError(
                "must be the path of an item file", file=shown, field=where_in_activity
            )
        item_path = _find(activity_path.parent, reference)
        if item_path is None:
            raise ImportFileError(
                f"no item file {reference!r} next to the activity",
                file=shown,
                field=where_in_activity,
            )
        item_shown = (
            str(item_path.relative_to(activity_path.parent))
            if item_path.is_relative_to(activity_path.parent)
            else item_path.name
        )
        fields.append(
            _reproschema_item(
                item_path,
                item_shown,
                properties.get(reference, {}),
                position=index + 1,
                language=language,
            )
        )
    return _Form(
        instrument_id=instrument_id,
        title=title or instrument_id.replace("-", " ").capitalize(),
        file=shown,
        fields=tuple(fields),
        language=language,
    )


def _reproschema_item(
    path: Path, shown: str, prop: Mapping[str, Any], *, position: int, language: str
) -> _Field:
    item = _load_json(path, shown=shown)
    if not isinstance(item, Mapping):
        raise ImportFileError("must be a JSON object (a ReproSchema item)", file=shown)
    types = _types(item.get("@type"))
    if types and not any(t.split(":")[-1] in ("Field", "Item") for t in types):
        raise ImportFileError(
            f"is {types[0]!r}; expected a reproschema:Field", file=shown, field="@type"
        )
    ui = item.get("ui") if isinstance(item.get("ui"), Mapping) else {}
    input_type = str(ui.get("inputType", "radio")) if isinstance(ui, Mapping) else "radio"
    if input_type in ("text", "multitext", "email", "date", "time", "static", "audioRecord"):
        raise ImportFileError(
            f"input type {input_type!r} cannot be scored (item {position} of the activity)",
            file=shown,
            field="ui.inputType",
        )
    question = _in_language(item.get("question"), language)
    if question is None or not question.strip():
        raise ImportFileError(
            f"is missing or has no {language!r} text (item {position} of the activity)",
            file=shown,
            field="question",
        )
    options_where = "responseOptions"
    options_file = shown
    raw_options = item.get("responseOptions")
    if isinstance(raw_options, str):
        options_path = _find(path.parent, raw_options)
        if options_path is None:
            raise ImportFileError(
                f"points to {raw_options!r}, which does not exist",
                file=shown,
                field="responseOptions",
            )
        options_file = options_path.name
        raw_options = _load_json(options_path, shown=options_file)
        options_where = ""
    if not isinstance(raw_options, Mapping):
        raise ImportFileError(
            f"is required for a scored item (item {position} of the activity)",
            file=options_file,
            field=options_where or "(file)",
        )

    def spot(name: str) -> str:
        return f"{options_where}.{name}" if options_where else name

    options: list[ScaleOption] = []
    raw_choices = raw_options.get("choices") or []
    if not isinstance(raw_choices, Sequence) or isinstance(raw_choices, str):
        raise ImportFileError("must be a list", file=options_file, field=spot("choices"))
    for index, choice in enumerate(raw_choices):
        where = spot(f"choices[{index}]")
        if not isinstance(choice, Mapping):
            raise ImportFileError(
                "must be an object with name and value", file=options_file, field=where
            )
        value = whole_number(choice.get("value"))
        if value is None:
            raise ImportFileError(
                f"{choice.get('value')!r} is not a whole number (only numbered answers can be scored)",
                file=options_file,
                field=f"{where}.value",
            )
        if any(o.value == value for o in options):
            raise ImportFileError(
                f"the value {value} is used twice", file=options_file, field=f"{where}.value"
            )
        label = _in_language(choice.get("name"), language)
        options.append(ScaleOption(value, label.strip() if label else None))
    low = raw_options.get("minValue")
    high = raw_options.get("maxValue")
    if low is not None and whole_number(low) is None:
        raise ImportFileError(
            f"{low!r} is not a whole number", file=options_file, field=spot("minValue")
        )
    if high is not None and whole_number(high) is None:
        raise ImportFileError(
            f"{high!r} is not a whole number", file=options_file, field=spot("maxValue")
        )
    values = sorted(o.value for o in options)
    minimum = whole_number(low) if low is not None else (values[0] if values else None)
    maximum = whole_number(high) if high is not None else (values[-1] if values else None)
    if minimum is None or maximum is None:
        raise ImportFileError(
            "needs choices or minValue and maxValue",
            file=options_file,
            field=options_where or "(file)",
        )
    if maximum <= minimum:
        raise ImportFileError(
            f"{maximum} must be greater than minValue {minimum}",
            file=options_file,
            field=spot("maxValue"),
        )
    outside = [v for v in values if not minimum <= v <= maximum]
    if outside:
        raise ImportFileError(
            f"choice values {outside} fall outside minValue {minimum} to maxValue {maximum}",
            file=options_file,
            field=spot("choices"),
        )
    if values and values != list(range(minimum, maximum + 1)) and input_type != "slider":
        raise ImportFileError(
            f"the choice values {values} must run without gaps from {minimum} to {maximum}",
            file=options_file,
            field=spot("choices"),
        )
    raw_name = prop.get("variableName") or item.get("@id") or item.get("id") or path.stem
    name = str(raw_name).split("/")[-1].split(":")[-1]
    if not re.match(r"^[a-z][a-z0-9_-]*$", name):
        raise ImportFileError(
            f"{name!r} cannot be an item id (lower-case letters, digits, '-' or '_')",
            file=shown,
            field="@id",
        )
    reverse = item.get("alongside:reverse", False)
    if not isinstance(reverse, bool):
        raise ImportFileError("must be true or false", file=shown, field="alongside:reverse")
    subscales = item.get("alongside:subscales", [])
    if (
        not isinstance(subscales, Sequence)
        or isinstance(subscales, str)
        or not all(isinstance(s, str) for s in subscales)
    ):
        raise ImportFileError(
            "must be a list of subscale ids", file=shown, field="alongside:subscales"
        )
    required = prop.get("valueRequired", True)
    return _Field(
        line=None,
        where=shown,
        name=name,
        label=" ".join(question.split()),
        minimum=minimum,
        maximum=maximum,
        options=tuple(sorted(options, key=lambda o: o.value)),
        required=bool(required),
        reverse=reverse,
        subscales=tuple(subscales),
        scale_field=spot("choices") if options else spot("maxValue"),
    )


def instrument_from_reproschema(path: str | Path, *, language: str = "en") -> InstrumentSpec:
    """A whole instrument from a ReproSchema activity file and its item files."""
    return _instrument(
        _read_reproschema(path, language=language), instrument_id=None, kind="ReproSchema activity"
    )


def wording_from_reproschema(
    path: str | Path,
    spec: InstrumentSpec,
    *,
    language: str = "en",
    mapping: Mapping[str, str] | None = None,
) -> WordingPack:
    """Wording for ``spec`` from a ReproSchema activity, matched by item number (the
    order of ``ui.order``) or by ``mapping`` (item variable name -> item id)."""
    return _wording(_read_reproschema(path, language=language), spec, mapping=mapping)


# ------------------------------------------------------------------------ shared


def _instrument(form: _Form, *, instrument_id: str | None, kind: str) -> InstrumentSpec:
    items = []
    for number, fld in enumerate(form.fields, start=1):
        scale: dict[str, Any] = {"min": fld.minimum, "max": fld.maximum}
        if fld.options:
            scale["labels"] = {o.value: o.label for o in fld.options}
        entry: dict[str, Any] = {
            "id": fld.name,
            "number": number,
            "wording": fld.label,
            "scale": scale,
            "reverse": fld.reverse,
            "required": fld.required,
        }
        items.append(entry)
    subscale_ids: list[str] = []
    for fld in form.fields:
        for sub in fld.subscales:
            if sub not in subscale_ids:
                subscale_ids.append(sub)
    groups: list[tuple[str, list[_Field]]]
    if subscale_ids:
        groups = [(sub, [f for f in form.fields if sub in f.subscales]) for sub in subscale_ids]
    else:
        groups = [("total", list(form.fields))]
    subscales = []
    for sub_id, members in groups:
        same_scale = len({(f.minimum, f.maximum) for f in members}) == 1
        subscales.append(
            {
                "id": sub_id,
                "label": sub_id.replace("_", " ").replace("-", " ").capitalize(),
                "items": [f.name for f in members],
                "method": "mean" if same_scale else "sum",
                "direction": "neutral",
            }
        )
    data = {
        "id": instrument_id or form.instrument_id,
        "version": 1,
        "title": form.title,
        "kind": "imported",
        "about": {"kind": "self"},
        "citation": f"Imported from the {kind} {form.file}",
        "licence": {
            "name": "Held by the deployment",
            "terms": "Imported from the deployment's own copy; the deployment holds its licence.",
        },
        "wording": {"shipped": True},
        "items": items,
        "subscales": subscales,
        "sources": [{"citation": f"{kind} {form.file}", "supports": "Items, answers and wording."}],
    }
    try:
        return parse_spec(data, source=form.file)
    except SpecError as exc:
        issue = exc.issues[0]
        line = _line_for(form, issue.path)
        raise ImportFileError(issue.message, file=form.file, line=line, field=issue.path) from exc


def _line_for(form: _Form, path: str) -> int | None:
    match = re.match(r"items\[(\d+)\]", path)
    if match and int(match.group(1)) < len(form.fields):
        return form.fields[int(match.group(1))].line
    return None


def _wording(
    form: _Form, spec: InstrumentSpec, *, mapping: Mapping[str, str] | None
) -> WordingPack:
    pairs: list[tuple[_Field, str]] = []
    if mapping is not None:
        by_name = {f.name: f for f in form.fields}
        for name, item_id in mapping.items():
            if name not in by_name:
                raise ImportFileError(
                    f"the mapping names {name!r}, which is not an answerable field of the file",
                    file=form.file,
                    field=name,
                )
            if item_id not in {i.id for i in spec.items}:
                fld = by_name[name]
                raise ImportFileError(
                    f"the mapping sends {name!r} to {item_id!r}, which is not an item of {spec.id}",
                    file=fld.where,
                    line=fld.line,
                    field=name,
                )
            pairs.append((by_name[name], item_id))
    else:
        ordered = sorted(spec.items, key=lambda i: i.number)
        if len(form.fields) != len(ordered):
            last = form.fields[-1]
            raise ImportFileError(
                f"the file has {len(form.fields)} answerable fields but {spec.short_title} has "
                f"{len(ordered)} items; matching by item number needs one field per item "
                "(or pass an explicit mapping)",
                file=form.file,
                line=last.line,
                field=last.name,
            )
        pairs = [(fld, item.id) for fld, item in zip(form.fields, ordered, strict=True)]
    covered = {item_id for _, item_id in pairs}
    missing = [i.id for i in spec.items if i.id not in covered]
    if missing:
        raise ImportFileError(
            f"no wording for items {', '.join(missing)} of {spec.id}",
            file=form.file,
            field="mapping",
        )
    words = []
    for fld, item_id in pairs:
        item = spec.item(item_id)
        if (fld.minimum, fld.maximum) != (item.scale.min, item.scale.max):
            raise ImportFileError(
                f"field {fld.name!r} is answered {fld.minimum} to {fld.maximum}, but item "
                f"{item.number} of {spec.short_title} is answered {item.scale.min} to "
                f"{item.scale.max}; the codes must match the scoring key",
                file=fld.where,
                line=fld.line,
                field=fld.scale_field,
            )
        words.append(ItemWording(item_id=item_id, text=fld.label, options=fld.options))
    return WordingPack(
        instrument_id=spec.id, items=tuple(words), source=form.file, language=form.language
    )


def import_file(
    path: str | Path,
    *,
    into: InstrumentSpec | None = None,
    form: str | None = None,
    mapping: Mapping[str, str] | None = None,
    language: str = "en",
) -> InstrumentSpec | WordingPack:
    """Import a file by its kind: ``.csv`` is a REDCap data dictionary, ``.jsonld`` or
    ``.json`` a ReproSchema activity. With ``into`` the result is the wording for that
    shipped key; without it, a whole instrument."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".csv":
        if into is not None:
            return wording_from_redcap(file, into, form=form, mapping=mapping)
        return instrument_from_redcap(file, form=form)
    if suffix in (".jsonld", ".json"):
        if into is not None:
            return wording_from_reproschema(file, into, language=language, mapping=mapping)
        return instrument_from_reproschema(file, language=language)
    raise ImportFileError(
        "is neither a REDCap data dictionary (.csv) nor a ReproSchema activity (.jsonld)",
        file=file.name,
    )
