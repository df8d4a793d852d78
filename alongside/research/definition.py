"""A study's definition as a file: one YAML document, checked strictly before anything is
stored (see "## Study files" in docs/research.md).

``parse_definition`` checks the shape with pydantic (strict: no coercion, no unknown
keys), then what a shape cannot say (a choice needs options, the end is not before the
start, an instrument is installed). Every problem names its field path, like
``items[2].options`` or ``schedule.windows[1]``; the first problem stops nothing, so a
researcher sees them all at once.

The schedule is stored as given once its shape is right: the schedule engine reads it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticError

from alongside.lib.schemas import Text

__all__ = [
    "ITEM_TYPES",
    "SCHEDULE_KINDS",
    "Definition",
    "DefinitionError",
    "Issue",
    "dump_yaml",
    "load_yaml",
    "normalise_code",
    "parse_definition",
    "schedule_of",
]

ITEM_TYPES = ("slider", "scale", "choice", "text", "instrument")
SCHEDULE_KINDS = ("daily", "fixed", "random", "interval")
CODE_RE = re.compile(r"^[A-Z0-9]{4,16}$")
PREFIX_RE = re.compile(r"^[A-Z]{2,5}$")
_TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_ITEM_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Issue:
    path: str  # "items[2].options"; "" for the file as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DefinitionError(ValueError):
    """Everything wrong with a study file, each problem with its field path."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues))


def normalise_code(raw: str) -> str:
    """ "evn 2026", "EVN-2026" and "evn2026" are the same code."""
    return re.sub(r"[\s-]+", "", raw).upper()


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


def _clock(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 21:00 as the number 1260: say how to write it.
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(_('write times in quotes, like "21:00"'))
    if isinstance(value, str) and not _TIME_RE.match(value):
        raise ValueError(_('a time of day is written "HH:MM", like "09:30"'))
    return value


_WINDOW_RE = re.compile(r"^(\d{2}:\d{2})-(\d{2}:\d{2})$")


def _window(value: Any) -> Any:
    if isinstance(value, str):
        match = _WINDOW_RE.match(value)
        ends = match and (_TIME_RE.match(match[2]) or match[2] == "24:00")
        if not match or not _TIME_RE.match(match[1]) or not ends:
            raise ValueError(_('a window is written "HH:MM-HH:MM", like "09:00-12:00"'))
    return value


Clock = Annotated[str, BeforeValidator(_clock)]
WindowText = Annotated[str, BeforeValidator(_window)]


# The schedule's fields are the schedule engine's (``schedule.ScheduleSpec``), so a
# stored schedule reads straight into it; minutes are whole minutes.
class _Schedule(_Strict):
    every_days: int = Field(1, ge=1, le=365)
    every_weeks: int | None = Field(None, ge=1, le=52)
    expiry: int = Field(60, ge=1, le=24 * 60)
    reminders: int = Field(0, ge=0, le=5)
    wakes_at: str | None = None
    # In a couple study, prompt both partners at the same instants (the default), or
    # each on their own plan.
    together: bool = True

    _wakes = field_validator("wakes_at", mode="before")(_clock)

    def days_apart(self) -> int:
        """Prompts every this many days (``every_weeks`` is 7 days a week)."""
        return self.every_weeks * 7 if self.every_weeks else self.every_days


class DailySchedule(_Schedule):
    kind: Literal["daily"]
    time: str

    _time = field_validator("time", mode="before")(_clock)


class FixedSchedule(_Schedule):
    kind: Literal["fixed"]
    times: list[Clock] = Field(min_length=1, max_length=24)


class RandomSchedule(_Schedule):
    kind: Literal["random"]
    windows: list[WindowText] = Field(min_length=1, max_length=12)
    per_window: int = Field(1, ge=1, le=6)
    min_gap: int = Field(0, ge=0, le=12 * 60)


class IntervalSchedule(_Schedule):
    kind: Literal["interval"]
    windows: list[WindowText] = Field(min_length=1, max_length=12)
    every: int = Field(ge=15, le=24 * 60)


Schedule = Annotated[
    DailySchedule | FixedSchedule | RandomSchedule | IntervalSchedule,
    Field(discriminator="kind"),
]


class Item(_Strict):
    id: str
    type: Literal["slider", "scale", "choice", "text", "instrument"]
    text: Text = Field("", max_length=300)
    # slider: the words at 0 and 100; scale: at 1 and 7
    low_label: Text = Field("", max_length=60)
    high_label: Text = Field("", max_length=60)
    options: list[Annotated[Text, Field(min_length=1, max_length=80)]] = Field(
        default_factory=list, max_length=12
    )
    max_length: int = Field(200, ge=1, le=1000)
    instrument: str = ""


class Consent(_Strict):
    information_sheet: Text = Field(min_length=1, max_length=20_000)
    text: Text = Field(min_length=1, max_length=20_000)
    # Only when the consent text says so does the researcher see names and addresses.
    researcher_sees_identity: bool = False
    # What withdrawing does with what was collected: the participant chooses, or the
    # consent text already said.
    on_withdrawal: Literal["ask", "keep", "delete"] = "ask"


class Definition(_Strict):
    title: Text = Field(min_length=1, max_length=200)
    description: Text = Field("", max_length=5_000)
    code: str
    id_prefix: str = ""
    couple: bool = False
    starts_on: dt.date
    ends_on: dt.date
    consent: Consent
    items: list[Item] = Field(min_length=1, max_length=40)
    schedule: Schedule

    @field_validator("code", mode="after")
    @classmethod
    def _code(cls, value: str) -> str:
        code = normalise_code(value)
        if not CODE_RE.match(code):
            raise ValueError(_("a code is 4 to 16 letters and numbers, like EVENINGS"))
        return code

    @field_validator("id_prefix", mode="after")
    @classmethod
    def _prefix(cls, value: str) -> str:
        prefix = value.upper()
        if prefix and not PREFIX_RE.match(prefix):
            raise ValueError(_("a study ID prefix is 2 to 5 letters, like EVN"))
        return prefix

    @field_validator("starts_on", "ends_on", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        # A date in JSON or a form is text; YAML already gives a date.
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(_("a date is written YYYY-MM-DD, like 2027-03-01")) from None
        if isinstance(value, dt.datetime):
            raise ValueError(_("a date is written YYYY-MM-DD, without a time"))
        return value

    def prefix(self) -> str:
        return self.id_prefix or re.sub(r"[^A-Z]", "", self.code)[:3].ljust(2, "X")


def schedule_of(
    stored: dict[str, Any],
) -> DailySchedule | FixedSchedule | RandomSchedule | IntervalSchedule:
    """A study's stored schedule, read back as its model (defaults filled in)."""
    return _ScheduleOnly.model_validate({"schedule": stored}).schedule


class _ScheduleOnly(_Strict):
    schedule: Schedule


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    previous: int | str | None = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif previous == "schedule" and part in SCHEDULE_KINDS:
            pass  # the union's tag, which names no field
        elif part.startswith("function-") or part.endswith("]"):
            pass
        else:
            out += f".{part}" if out else part
        previous = part
    return out


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return _("this field is not part of a study file (check its spelling)")
    if kind == "missing":
        return _("this field is required")
    if kind == "literal_error" and error["loc"][-1] == "type":
        return _("unknown item type %(t)r: use one of %(all)s") % {
            "t": error["input"],
            "all": ", ".join(ITEM_TYPES),
        }
    if kind == "union_tag_invalid":
        return _("unknown schedule kind: use one of %(all)s") % {"all": ", ".join(SCHEDULE_KINDS)}
    if kind == "union_tag_not_found":
        return _("say which kind of schedule: one of %(all)s") % {"all": ", ".join(SCHEDULE_KINDS)}
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")  # "24:00" is the end of the day
    return int(hours) * 60 + int(minutes)


def _check(d: Definition, instruments: set[str] | None) -> list[Issue]:
    issues: list[Issue] = []
    if d.ends_on < d.starts_on:
        issues.append(Issue("ends_on", _("the study ends before it starts")))
    seen: set[str] = set()
    for n, item in enumerate(d.items):
        at = f"items[{n}]"
        if not _ITEM_ID_RE.match(item.id):
            issues.append(
                Issue(f"{at}.id", _("an item id is lowercase letters, digits and _, like mood"))
            )
        elif item.id in seen:
            issues.append(Issue(f"{at}.id", _("the id %(id)r is used twice") % {"id": item.id}))
        seen.add(item.id)
        if item.type != "instrument" and not item.text.strip():
            issues.append(Issue(f"{at}.text", _("say what this item asks")))
        if item.type == "choice":
            if len(item.options) < 2:
                issues.append(Issue(f"{at}.options", _("a choice item needs at least two options")))
            elif len(set(item.options)) != len(item.options):
                issues.append(Issue(f"{at}.options", _("each option is listed once")))
        elif item.options:
            issues.append(Issue(f"{at}.options", _("only choice items have options")))
        if item.type == "instrument":
            if not item.instrument:
                issues.append(Issue(f"{at}.instrument", _("name the installed instrument's id")))
            elif instruments is not None and item.instrument not in instruments:
                issues.append(
                    Issue(
                        f"{at}.instrument",
                        _("no installed instrument %(id)r") % {"id": item.instrument},
                    )
                )
        elif item.instrument:
            issues.append(Issue(f"{at}.instrument", _("only instrument items name an instrument")))
    issues.extend(_check_schedule(d.schedule))
    return issues


def _span(window: str) -> tuple[int, int]:
    start, end = window.split("-")
    return _minutes(start), _minutes(end)


def _check_schedule(
    s: DailySchedule | FixedSchedule | RandomSchedule | IntervalSchedule,
) -> list[Issue]:
    """What the schedule engine would refuse, said with the field's path."""
    issues: list[Issue] = []
    if s.every_weeks is not None and "every_days" in s.model_fields_set:
        issues.append(Issue("schedule.every_weeks", _("give every_days or every_weeks, not both")))
    if s.reminders and s.expiry < s.reminders + 1:
        issues.append(
            Issue("schedule.reminders", _("the reminders need a longer expiry to fit before it"))
        )
    if isinstance(s, FixedSchedule) and len(set(s.times)) != len(s.times):
        issues.append(Issue("schedule.times", _("each time is listed once")))
    if isinstance(s, RandomSchedule | IntervalSchedule):
        spans = [_span(w) for w in s.windows]
        for n, (start, end) in enumerate(spans):
            at = f"schedule.windows[{n}]"
            if end <= start:
                issues.append(Issue(at, _("a window ends after it starts, within the day")))
            elif isinstance(s, RandomSchedule) and end - start < max(
                s.per_window * s.min_gap, s.per_window
            ):
                issues.append(
                    Issue(
                        at, _("the window is too short for its prompts with the gap between them")
                    )
                )
            for m, (other_start, other_end) in enumerate(spans[:n]):
                if start < other_end and other_start < end:
                    issues.append(Issue(at, _("overlaps windows[%(m)s]") % {"m": m}))
    return issues


def parse_definition(data: Any, *, instruments: set[str] | None = None) -> Definition:
    """``data`` (from YAML, JSON or a form) as a checked ``Definition``.

    ``instruments``: the installed instrument ids (``None`` skips that check). Raises
    ``DefinitionError`` naming every field that is wrong."""
    if not isinstance(data, dict):
        raise DefinitionError([Issue("", _("a study file is a mapping of fields, like title:"))])
    try:
        definition = Definition.model_validate(data)
    except PydanticError as problem:
        raise DefinitionError(
            [Issue(_path(tuple(e["loc"])), _message(e)) for e in problem.errors()]
        ) from None
    issues = _check(definition, instruments)
    if issues:
        raise DefinitionError(issues)
    return definition


def load_yaml(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = (_(" (line %(n)s)") % {"n": mark.line + 1}) if mark is not None else ""
        raise DefinitionError([Issue("", _("this is not valid YAML") + where)]) from None


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
