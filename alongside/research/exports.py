"""A study's answers as data files: the long, dyadic and pairwise layouts of Kenny, Kashy
and Cook (2006), a codebook, and a Psych-DS ``dataset_description.json``.

Pure reading: a handful of queries per export (participants, dyads, prompts, answers),
however many rows. See "## Exports and codebook" in docs/research.md for the columns.

- **long**: one row per participant and prompt.
- **dyadic**: one row per formed dyad and occasion; partner 1 (``dyad.first``, who drew
  the pair code) has the suffix ``_1``, partner 2 ``_2``.
- **pairwise**: two rows per formed dyad and occasion, the actor's variables with
  ``_A`` and the partner's with ``_P``.

Timestamps are UTC, ISO 8601 to the second with a ``Z`` ("2027-03-22T18:14:03Z"); a
missing value is an empty cell. Participants who withdrew and had their data deleted
have no rows (nothing of theirs is stored any more).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from django.utils import timezone

from alongside.lib.csvsafe import safe_cell
from alongside.research.definition import Item
from alongside.research.models import PROMPT_STATUSES, Answer, Dyad, Participant, Prompt, Study

__all__ = [
    "LAYOUTS",
    "ExportProblem",
    "Variable",
    "codebook",
    "codebook_csv",
    "csv_text",
    "dataset_description",
    "dyadic",
    "file_name",
    "files",
    "layouts_of",
    "long",
    "pairwise",
    "table",
    "write_export",
]

LAYOUTS = ("long", "dyadic", "pairwise")
EMPTY = "empty cell"
_NEVER = "never empty"
# The prompt statuses of ``models.PROMPT_STATUSES`` (computed there, in the database),
# said for the codebook; closed means past its expiry.
_STATUS_WORDS = (
    "answered (completed before it closed); expired (opened, not finished before it "
    "closed); missed (sent, never opened, closed); not_sent (closed unsent: paused, "
    "withdrawn, or consent to renew); open (sent, still open); planned (not sent yet)"
)

# Keys every layout shares for one occasion (the schedule prompts partners together).
_OCCASION = ["day", "window", "prompt", "occasion"]


class ExportProblem(ValueError):
    """An export that cannot be made, with the option it is about (``layout``, ``out``)."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        self.message = message
        super().__init__(f"--{option}: {message}")


@dataclass(frozen=True)
class Variable:
    """One column of an export, as the codebook describes it."""

    name: str
    label: str
    type: str  # string, integer, number, datetime, category
    allowed: str = ""
    missing: str = EMPTY
    item: str = ""  # the study item it comes from ("" for the design columns)


# ------------------------------------------------------------------ variables


def _person_design() -> list[Variable]:
    """The per-person, per-prompt columns that are not answers."""
    never = _NEVER
    return [
        Variable("participant", "Participant's study ID", "string", "like EVN-014", never),
        Variable(
            "local_time",
            "Participant's local time when prompted",
            "datetime",
            "ISO 8601 with offset",
            never,
        ),
        Variable(
            "scheduled_utc", "When the prompt was planned (UTC)", "datetime", "ISO 8601, Z", never
        ),
        Variable(
            "sent_utc", "When it was sent (UTC)", "datetime", "ISO 8601, Z", f"{EMPTY}: not sent"
        ),
        Variable(
            "opened_utc",
            "When it was opened (UTC)",
            "datetime",
            "ISO 8601, Z",
            f"{EMPTY}: not opened",
        ),
        Variable(
            "completed_utc",
            "When it was answered (UTC)",
            "datetime",
            "ISO 8601, Z",
            f"{EMPTY}: not answered",
        ),
        Variable(
            "expired_utc",
            "When it expired unanswered (UTC)",
            "datetime",
            "ISO 8601, Z",
            f"{EMPTY}: not expired",
        ),
        Variable(
            "status",
            "What became of the prompt at export time: " + _STATUS_WORDS,
            "category",
            ", ".join(key for key, _label in PROMPT_STATUSES),
            _NEVER,
        ),
        Variable(
            "latency_s",
            "Seconds from sending to answering",
            "number",
            ">= 0",
            f"{EMPTY}: not answered or not sent",
        ),
    ]


def _shared_design(*, couple: bool) -> list[Variable]:
    dyad = Variable(
        "dyad", "Dyad's study ID", "string", "like EVN-D01", f"{EMPTY}: not in a formed dyad"
    )
    return [
        *([dyad] if couple else []),
        Variable("day", "Study day (1 is the study's first day)", "integer", ">= 1", "never empty"),
        Variable("window", "Window (or fixed time) of the day", "integer", ">= 1", "never empty"),
        Variable("prompt", "Prompt number within the window", "integer", ">= 1", "never empty"),
        Variable(
            "occasion",
            "The study's prompt slots numbered in order of (day, window, prompt); "
            "partners share it",
            "integer",
            ">= 1",
            "never empty",
        ),
    ]


def _instrument_items(item: Item) -> list[tuple[str, str, int, int]] | None:
    return _instrument_parts(item.instrument)


@cache  # read once per process: every row of an export asks again
def _instrument_parts(instrument: str) -> list[tuple[str, str, int, int]] | None:
    """(id, wording, min, max) of an installed instrument's items, or ``None``."""
    from alongside.assessments.spec import AssessmentError, get_instrument

    try:
        spec = get_instrument(instrument)
    except AssessmentError:
        return None
    return [(i.id, i.wording or "", i.scale.min, i.scale.max) for i in spec.items]


def _answer_variables(items: list[Item]) -> list[Variable]:
    not_answered = f"{EMPTY}: not answered"
    out: list[Variable] = []
    for item in items:
        if item.type in ("slider", "scale"):
            low, high = (0, 100) if item.type == "slider" else (1, 7)
            out.append(
                Variable(
                    item.id,
                    _anchored(item, low, high),
                    "integer",
                    f"{low}-{high}",
                    not_answered,
                    item.id,
                )
            )
        elif item.type == "choice":
            allowed = "; ".join(item.options)
            out.append(Variable(item.id, item.text, "category", allowed, not_answered, item.id))
        elif item.type == "text":
            allowed = f"text, at most {item.max_length} characters"
            out.append(Variable(item.id, item.text, "string", allowed, not_answered, item.id))
        else:
            parts = _instrument_items(item)
            if parts is None:
                # An instrument not installed here: its answer as it was stored (JSON).
                out.append(
                    Variable(item.id, item.instrument, "string", "JSON", not_answered, item.id)
                )
                continue
            for part, wording, low, high in parts:
                out.append(
                    Variable(
                        f"{item.id}_{part}",
                        f"{item.instrument}, item {part}: {wording}".strip(),
                        "integer",
                        f"{low}-{high}",
                        not_answered,
                        item.id,
                    )
                )
    return out


def _items(study: Study) -> list[Item]:
    return [Item.model_validate(raw, strict=False) for raw in study.items]


def _anchored(item: Item, low: int, high: int) -> str:
    """The item's text with the words at its ends: "How calm? [1 = Not at all, 7 = Very]"."""
    ends = [f"{n} = {w}" for n, w in ((low, item.low_label), (high, item.high_label)) if w]
    return f"{item.text} [{', '.join(ends)}]" if ends else item.text


def _suffixed(variables: Iterable[Variable], suffix: str, whose: str) -> list[Variable]:
    # Side by side, a partner's side is empty where they had no prompt at that occasion
    # (they joined later, left, or withdrew with deletion).
    absent = f"{EMPTY}: this partner has no prompt at this occasion"
    return [
        Variable(
            f"{v.name}{suffix}",
            f"{v.label} ({whose})",
            v.type,
            v.allowed,
            absent if v.missing == _NEVER else f"{v.missing}; or {absent}",
            v.item,
        )
        for v in variables
    ]


def codebook(study: Study, layout: str = "long") -> list[Variable]:
    """Every column of ``layout``'s file, in file order."""
    _check_layout(study, layout)
    person = _person_design() + _answer_variables(_items(study))
    shared = _shared_design(couple=study.is_couple)
    if layout == "long":
        member = Variable(
            "member",
            "1: the partner who drew the pair code (dyad.first); 2: the one who entered it",
            "integer",
            "1, 2",
            f"{EMPTY}: not in a formed dyad",
        )
        return [person[0], *shared, *([member] if study.is_couple else []), *person[1:]]
    if layout == "dyadic":
        return [
            *shared,
            *_suffixed(person, "_1", "partner 1"),
            *_suffixed(person, "_2", "partner 2"),
        ]
    extra = [
        Variable(
            "dyad_occasion",
            "Dyad and occasion together, one value per pair of rows (for the APIM)",
            "string",
            "like EVN-D01:3",
            "never empty",
        ),
        Variable(
            "member", "The actor: 1 is dyad.first, 2 the other", "integer", "1, 2", "never empty"
        ),
    ]
    return [
        *shared,
        *extra,
        *_suffixed(person, "_A", "actor"),
        *_suffixed(person, "_P", "partner"),
    ]


# ----------------------------------------------------------------------- rows


def _utc(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _answer_cells(items: list[Item], answers: dict[str, Any]) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    for item in items:
        value = answers.get(item.id)
        if item.type != "instrument":
            cells[item.id] = value
        else:
            parts = _instrument_items(item)
            if parts is None:
                cells[item.id] = None if value is None else json.dumps(value)
                continue
            # An instrument's answer is a mapping of its item ids to the answers given.
            if not isinstance(value, dict) and value is not None and len(parts) == 1:
                value = {parts[0][0]: value}
            for part, *_rest in parts:
                cells[f"{item.id}_{part}"] = value.get(part) if isinstance(value, dict) else None
    return cells


def _formed_dyads(study: Study) -> list[Mapping[str, Any]]:
    return list(
        # A partner who withdrew with deletion leaves their side of the dyad empty; the
        # other partner's answers are still theirs to give.
        Dyad.objects.filter(study=study, formed_at__isnull=False, second__isnull=False)
        .order_by("study_code", "pk")
        .values("study_code", "first_id", "second_id")
    )


def long(study: Study, *, now: dt.datetime | None = None) -> pd.DataFrame:
    """The long (individual) layout: one row per participant and prompt."""
    now = now or timezone.now()
    items = _items(study)
    people = {
        p["pk"]: p["study_code"]
        for p in Participant.objects.filter(study=study, data_deleted=False).values(
            "pk", "study_code"
        )
    }
    member: dict[int, tuple[str, int]] = {}
    for d in _formed_dyads(study):
        member[d["first_id"]] = (d["study_code"], 1)
        member[d["second_id"]] = (d["study_code"], 2)
    # Typed loosely: the stubs cannot see ``status``, which ``with_status`` annotates.
    planned: Any = Prompt.objects.filter(
        participant__study=study, participant__data_deleted=False
    ).with_status(now)
    prompts: list[dict[str, Any]] = list(
        planned.values(
            "pk",
            "participant_id",
            "day",
            "window",
            "number",
            "scheduled_at",
            "local_time",
            "expires_at",
            "sent_at",
            "opened_at",
            "completed_at",
            "expired_at",
            "status",
        )
    )
    answers: dict[int, dict[str, Any]] = {}
    kept = Answer.objects.filter(
        prompt__participant__study=study, prompt__participant__data_deleted=False
    )
    for a in kept.values("prompt_id", "item_id", "value"):
        answers.setdefault(a["prompt_id"], {})[a["item_id"]] = a["value"]
    slots = sorted({(p["day"], p["window"], p["number"]) for p in prompts})
    occasion = {slot: n for n, slot in enumerate(slots, start=1)}
    rows = []
    for p in prompts:
        dyad, which = member.get(p["participant_id"], (None, None))
        latency = None
        if p["completed_at"] is not None and p["sent_at"] is not None:
            latency = round((p["completed_at"] - p["sent_at"]).total_seconds(), 3)
        rows.append(
            {
                "participant": people[p["participant_id"]],
                "dyad": dyad,
                "day": p["day"],
                "window": p["window"],
                "prompt": p["number"],
                "occasion": occasion[(p["day"], p["window"], p["number"])],
                "member": which,
                "local_time": p["local_time"],
                "scheduled_utc": _utc(p["scheduled_at"]),
                "sent_utc": _utc(p["sent_at"]),
                "opened_utc": _utc(p["opened_at"]),
                "completed_utc": _utc(p["completed_at"]),
                "expired_utc": _utc(p["expired_at"]),
                "status": p["status"],
                "latency_s": latency,
                **_answer_cells(items, answers.get(p["pk"], {})),
            }
        )
    columns = [v.name for v in codebook(study, "long")]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.sort_values(["participant", "occasion"], kind="stable", ignore_index=True)
    return _typed(frame, codebook(study, "long"))


def _typed(frame: pd.DataFrame, variables: list[Variable]) -> pd.DataFrame:
    """Whole numbers stay whole with missing values (2, not 2.0), as the codebook says."""
    for v in variables:
        if v.type == "integer" and v.name in frame.columns:
            frame[v.name] = pd.to_numeric(frame[v.name]).astype("Int64")
    return frame


def _person_columns(study: Study) -> list[str]:
    return [v.name for v in _person_design() + _answer_variables(_items(study))]


def dyadic(study: Study, *, now: dt.datetime | None = None) -> pd.DataFrame:
    """The dyadic layout: one row per formed dyad and occasion, partners side by side."""
    _check_layout(study, "dyadic")
    person = _person_columns(study)
    frame = long(study, now=now)
    frame = frame[frame["dyad"].notna()]
    keys = ["dyad", *_OCCASION]
    one = frame[frame["member"] == 1][keys + person].rename(columns=_suffix(person, "_1"))
    two = frame[frame["member"] == 2][keys + person].rename(columns=_suffix(person, "_2"))
    # An occasion either partner had (one may have joined later, or left): an outer join.
    wide = one.merge(two, on=keys, how="outer")
    wide = wide.sort_values(["dyad", "occasion"], kind="stable", ignore_index=True)
    variables = codebook(study, "dyadic")
    return _typed(wide[[v.name for v in variables]], variables)


def pairwise(study: Study, *, now: dt.datetime | None = None) -> pd.DataFrame:
    """The pairwise layout: each dyadic row twice, once with each partner as the actor."""
    _check_layout(study, "pairwise")
    person = _person_columns(study)
    wide = dyadic(study, now=now)
    halves = []
    for actor, partner in ((1, 2), (2, 1)):
        names = {f"{c}_{actor}": f"{c}_A" for c in person}
        names.update({f"{c}_{partner}": f"{c}_P" for c in person})
        half = wide.rename(columns=names).assign(member=actor)
        halves.append(half)
    rows = pd.concat(halves, ignore_index=True)
    rows["dyad_occasion"] = rows["dyad"] + ":" + rows["occasion"].astype(str)
    rows = rows.sort_values(["dyad", "occasion", "member"], kind="stable", ignore_index=True)
    variables = codebook(study, "pairwise")
    return _typed(rows[[v.name for v in variables]], variables)


def _suffix(columns: list[str], suffix: str) -> dict[str, str]:
    return {c: f"{c}{suffix}" for c in columns}


def _check_layout(study: Study, layout: str) -> None:
    if layout not in LAYOUTS:
        raise ExportProblem(
            "layout", f"{layout!r} is not a layout: use one of {', '.join(LAYOUTS)}"
        )
    if layout != "long" and not study.is_couple:
        raise ExportProblem(
            "layout",
            f"the {layout} layout needs a couple study, and {study.code} is not one: "
            "use --layout long",
        )


# ------------------------------------------------------------------ the files


def dataset_description(
    study: Study, layout: str, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """A Psych-DS ``dataset_description.json`` (schema.org Dataset) for ``layout``."""
    now = now or timezone.now()
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": study.title,
        "description": study.description
        or f"Experience-sampling answers of the study {study.code}, {layout} layout.",
        "identifier": study.code,
        "dateCreated": _utc(now),
        "temporalCoverage": f"{study.starts_on.isoformat()}/{study.ends_on.isoformat()}",
        "keywords": ["experience sampling", "dyadic data", f"{layout} layout"],
        "citation": "Kenny, D. A., Kashy, D. A., & Cook, W. L. (2006). Dyadic data analysis. "
        "Guilford Press (the long, dyadic and pairwise layouts).",
        "variableMeasured": [
            {
                "@type": "PropertyValue",
                "name": v.name,
                "description": v.label,
                **({"valueReference": v.allowed} if v.allowed else {}),
            }
            for v in codebook(study, layout)
        ],
    }


def file_name(study: Study, layout: str) -> str:
    """The data file's name, Psych-DS style: keyword-value pairs ending in ``_data.csv``."""
    return f"study-{study.code}_layout-{layout}_data.csv"


def layouts_of(study: Study) -> list[str]:
    """The layouts ``study`` can be exported in now: dyadic and pairwise need a couple
    study with a formed dyad."""
    couples = study.is_couple and bool(_formed_dyads(study))
    return list(LAYOUTS) if couples else ["long"]


def table(study: Study, layout: str, *, now: dt.datetime | None = None) -> pd.DataFrame:
    """``layout``'s rows for ``study``; an ``ExportProblem`` when it cannot be made."""
    _check_layout(study, layout)
    if layout == "long":
        return long(study, now=now)
    if not _formed_dyads(study):
        raise ExportProblem(
            "layout",
            f"no dyad of {study.code} has formed yet, so the {layout} layout would be "
            "empty: use --layout long",
        )
    return dyadic(study, now=now) if layout == "dyadic" else pairwise(study, now=now)


def codebook_csv(variables: list[Variable]) -> str:
    table = pd.DataFrame([asdict(v) for v in variables]).rename(columns={"name": "variable"})
    return str(table.map(safe_cell).to_csv(index=False))


def csv_text(data: pd.DataFrame) -> str:
    """``data`` as CSV text, each text cell made safe to open in a spreadsheet."""
    data = data.copy()
    # Participants typed the text answers: a spreadsheet must not run one as a formula.
    for column in data.select_dtypes(include=["object", "str"]).columns:
        data[column] = data[column].map(safe_cell)
    return str(data.to_csv(index=False))


def files(study: Study, layout: str, *, now: dt.datetime | None = None) -> dict[str, str]:
    """An export's files by path within its folder, each as text: ``data/<file>``,
    ``codebook.csv``, ``codebook.json`` and ``dataset_description.json``."""
    now = now or timezone.now()
    data = table(study, layout, now=now)
    variables = codebook(study, layout)
    return {
        f"data/{file_name(study, layout)}": csv_text(data),
        "codebook.csv": codebook_csv(variables),
        "codebook.json": json.dumps([asdict(v) for v in variables], indent=2, ensure_ascii=False)
        + "\n",
        "dataset_description.json": json.dumps(
            dataset_description(study, layout, now=now), indent=2, ensure_ascii=False
        )
        + "\n",
    }


def write_export(
    study: Study, layout: str, out: Path, *, now: dt.datetime | None = None
) -> list[Path]:
    """Write the export's ``files`` into ``out`` (made if missing); the paths written."""
    written: list[Path] = []
    try:
        for name, text in files(study, layout, now=now).items():
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as error:
        where = error.filename or out
        raise ExportProblem("out", f"cannot write {where}: {error.strerror}") from None
    return written
