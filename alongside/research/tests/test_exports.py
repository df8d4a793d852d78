"""Exports: the long, dyadic and pairwise layouts agree row for row; the codebook and
dataset description; what is left out; and the files load into ``alongside analyze``."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse

from alongside.cli import cli
from alongside.research import exports, services
from alongside.research.models import Answer, Dyad, Participant, Prompt, Study
from alongside.research.tests.helpers import definition, enrol, make_study
from conftest import make_person, make_researcher

BASE = dt.datetime(2027, 3, 22, 20, 0, tzinfo=dt.UTC)
NOW = BASE + dt.timedelta(days=30)
DAYS = 14
DYADS = 8
PERSON = [v.name for v in exports._person_design()]


def _prompts(
    participant: Participant, values: dict[int, dict[str, Any] | None], *, dyad: Any = None
) -> None:
    """One evening prompt a day; ``values[day]`` is the answers, ``None`` for a prompt
    that was sent, never opened, and expired."""
    # The planner's own prompts (planned on joining or pairing) give way to these, so
    # each test knows every prompt and its answers.
    Prompt.objects.filter(participant=participant).delete()
    made = Prompt.objects.bulk_create(
        Prompt(
            participant=participant,
            dyad=dyad,
            day=day,
            window=1,
            number=1,
            scheduled_at=BASE + dt.timedelta(days=day - 1),
            local_time=(BASE + dt.timedelta(days=day - 1)).isoformat(),
            expires_at=BASE + dt.timedelta(days=day - 1, minutes=30),
            sent_at=BASE + dt.timedelta(days=day - 1, seconds=5),
            completed_at=(
                None if answers is None else BASE + dt.timedelta(days=day - 1, seconds=95)
            ),
            expired_at=(BASE + dt.timedelta(days=day - 1, minutes=30) if answers is None else None),
        )
        for day, answers in values.items()
    )
    Answer.objects.bulk_create(
        Answer(prompt=prompt, item_id=item, value=value)
        for prompt, answers in zip(made, values.values(), strict=True)
        for item, value in (answers or {}).items()
    )


@pytest.fixture
def study(dana: Any) -> Study:
    """8 couples over 14 evenings whose closeness follows their own and their partner's
    calm (simulated, seeded), a few prompts unanswered; a couple whose pairing never
    finished; and a participant who withdrew with their data deleted."""
    make_researcher(dana)
    made = make_study(dana, schedule={"kind": "daily", "time": "20:00", "expiry": 30})
    rng = np.random.default_rng(12)
    for n in range(DYADS):
        one = enrol(make_person(f"a{n}@example.org", f"A{n}"), made)
        two = enrol(make_person(f"b{n}@example.org", f"B{n}"), made)
        dyad = services.dyad_join(
            participant=two, raw_code=services.dyad_start(participant=one).code
        )
        calm = rng.integers(1, 8, size=(2, DAYS))
        noise = rng.normal(0, 6, size=(2, DAYS))
        for me, person in enumerate((one, two)):
            close = 20 + 6 * calm[me] + 3 * calm[1 - me] + noise[me]
            values: dict[int, dict[str, Any] | None] = {}
            for day in range(1, DAYS + 1):
                if (n + me + day) % 11 == 0:
                    values[day] = None
                    continue
                values[day] = {
                    "close": int(np.clip(round(close[day - 1]), 0, 100)),
                    "calm": int(calm[me, day - 1]),
                    "where": "Home" if day % 3 else "Out",
                    "closeness": {"closeness": int(rng.integers(1, 8))},
                }
                if day == 2:
                    values[day]["note"] = f"=day two, {person.study_code}"  # type: ignore[index]
            _prompts(person, values, dyad=dyad)
    waiting = enrol(make_person("lone@example.org", "Lone"), made)
    services.dyad_start(participant=waiting)
    _prompts(waiting, {1: {"close": 40}})
    gone = enrol(make_person("gone@example.org", "Gone"), made)
    _prompts(gone, {1: {"close": 10}})
    services.participant_withdraw(participant=gone, delete=True)
    return made


def _by(frame: pd.DataFrame, *keys: str) -> dict[tuple[Any, ...], dict[Any, Any]]:
    return {tuple(row[k] for k in keys): row for row in frame.to_dict(orient="records")}


def _same(a: Any, b: Any) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b


def test_the_three_layouts_agree_row_for_row(study: Study) -> None:
    long = exports.long(study, now=NOW)
    dyadic = exports.dyadic(study, now=NOW)
    pairwise = exports.pairwise(study, now=NOW)
    assert len(dyadic) == DYADS * DAYS
    assert len(pairwise) == 2 * len(dyadic)
    columns = [v.name for v in exports.codebook(study, "long")]
    person = [c for c in columns if c not in {"dyad", "day", "window", "prompt", "occasion"}]
    person.remove("member")
    people = _by(long, "participant", "occasion")
    for row in dyadic.to_dict(orient="records"):
        for suffix in ("_1", "_2"):
            own = people[(row[f"participant{suffix}"], row["occasion"])]
            assert own["dyad"] == row["dyad"] and own["member"] == int(suffix[1])
            for name in person:
                assert _same(row[f"{name}{suffix}"], own[name]), (name, row["dyad"])
    rows = _by(pairwise, "dyad", "occasion", "member")
    for (dyad, occasion, member), row in rows.items():
        other = rows[(dyad, occasion, 3 - member)]
        assert row["dyad_occasion"] == f"{dyad}:{occasion}"
        for name in person:
            assert _same(row[f"{name}_P"], other[f"{name}_A"]), name
            own = people[(row["participant_A"], occasion)]
            assert _same(row[f"{name}_A"], own[name]), name


def test_the_long_layout_holds_every_prompt_of_who_is_still_in(study: Study) -> None:
    long = exports.long(study, now=NOW)
    gone = Participant.objects.get(study=study, data_deleted=True)
    assert gone.study_code not in set(long["participant"])
    assert len(long) == 2 * DYADS * DAYS + 1
    lone = long[long["dyad"].isna()]
    assert len(lone) == 1 and pd.isna(lone.iloc[0]["member"]) and lone.iloc[0]["close"] == 40
    first = long.iloc[0]
    assert first["scheduled_utc"] == "2027-03-22T20:00:00Z"
    assert first["sent_utc"] == "2027-03-22T20:00:05Z"
    assert first["occasion"] == first["day"] == 1
    answered = long[long["status"] == "answered"]
    assert (answered["latency_s"] == 90).all()
    missed = long[long["status"] == "missed"]
    assert len(missed) > 0
    assert missed[["close", "calm", "where", "latency_s", "completed_utc"]].isna().all().all()
    assert missed["expired_utc"].notna().all()


def test_a_partner_who_withdrew_with_deletion_leaves_their_side_empty(study: Study) -> None:
    dyad = Dyad.objects.get(study_code="EVN-D02")
    assert dyad.second is not None
    services.participant_withdraw(participant=dyad.second, delete=True)
    long = exports.long(study, now=NOW)
    assert dyad.second.study_code not in set(long["participant"])
    rows = exports.dyadic(study, now=NOW)
    theirs = rows[rows["dyad"] == "EVN-D02"]
    assert len(theirs) == DAYS
    assert (theirs["participant_1"] == dyad.first.study_code).all()
    assert theirs[["participant_2", "status_2", "close_2"]].isna().all().all()
    pairs = exports.pairwise(study, now=NOW)
    assert len(pairs[pairs["dyad"] == "EVN-D02"]) == 2 * DAYS


def test_an_export_reads_the_tables_once_each(
    study: Study, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(5):
        exports.pairwise(study, now=NOW)


def test_statuses_are_the_prompts_statuses(study: Study, alice: Any) -> None:
    person = enrol(alice, study)
    sent = {"sent_at": BASE + dt.timedelta(seconds=5)}
    closing = [
        ({}, "not_sent"),
        (sent, "missed"),
        ({**sent, "opened_at": BASE + dt.timedelta(seconds=9)}, "expired"),
    ]
    for day, (times, _status) in enumerate(closing, start=1):
        at = BASE + dt.timedelta(days=day)
        Prompt.objects.create(
            participant=person,
            day=day,
            window=1,
            number=1,
            scheduled_at=at,
            local_time=at.isoformat(),
            expires_at=at + dt.timedelta(hours=1),
            **{k: v + dt.timedelta(days=day) for k, v in times.items()},
        )
    for day, times in ((4, {}), (5, sent)):
        Prompt.objects.create(
            participant=person,
            day=day,
            window=1,
            number=1,
            scheduled_at=NOW - dt.timedelta(minutes=day),
            local_time=NOW.isoformat(),
            expires_at=NOW + dt.timedelta(hours=1),
            **{k: NOW - dt.timedelta(minutes=1) for k in times},
        )
    rows = exports.long(study, now=NOW)
    mine = rows[rows["participant"] == person.study_code]
    assert list(mine["status"]) == ["not_sent", "missed", "expired", "planned", "open"]
    assert list(mine["status"]) == [
        p.status_at(NOW) for p in Prompt.objects.filter(participant=person).order_by("day")
    ]
    assert mine["latency_s"].isna().all()
    book = {v.name: v for v in exports.codebook(study)}
    assert book["status"].allowed == "answered, expired, missed, not_sent, open, planned"


def test_missing_answers_are_empty_cells_and_text_cannot_run_as_a_formula(
    study: Study, tmp_path: Path
) -> None:
    exports.write_export(study, "long", tmp_path, now=NOW)
    text = (tmp_path / "data" / exports.file_name(study, "long")).read_text(encoding="utf-8")
    header, *lines = text.splitlines()
    names = header.split(",")
    # The first row of a paired participant (study IDs are random, so an unpaired one may
    # sort first).
    first = next(line for line in lines if ",EVN-D" in line)
    cells = dict(zip(names, first.split(","), strict=True))
    assert cells["note"] == "" and cells["opened_utc"] == "" and cells["dyad"].startswith("EVN-D")
    assert cells["close"].isdigit() and cells["closeness_closeness"].isdigit()
    read = pd.read_csv(tmp_path / "data" / exports.file_name(study, "long"))
    notes = read["note"].dropna()
    assert len(notes) > 0 and all(n.startswith("'=day two, EVN-") for n in notes)


def test_a_study_without_couples_exports_long_only(dana: Any, alice: Any, ben: Any) -> None:
    make_researcher(dana)
    solo = make_study(dana, couple=False, code="SOLO2027", id_prefix="SOL")
    _prompts(enrol(alice, solo), {1: {"calm": 3, "where": "Out"}, 2: None})
    long = exports.long(solo, now=NOW)
    assert "dyad" not in long.columns and "member" not in long.columns
    assert list(long["status"]) == ["answered", "missed"]
    assert list(long["calm"].astype("object").fillna("")) == [3, ""]
    for layout in ("dyadic", "pairwise"):
        with pytest.raises(exports.ExportProblem, match=f"the {layout} layout needs a couple"):
            exports.table(solo, layout)


def test_a_couple_study_without_a_formed_dyad_says_so(dana: Any, alice: Any) -> None:
    make_researcher(dana)
    services.dyad_start(participant=enrol(alice, make_study(dana)))
    with pytest.raises(exports.ExportProblem, match="no dyad of EVENINGS has formed yet"):
        exports.table(Study.objects.get(), "pairwise")


def test_the_codebook_describes_every_item(study: Study) -> None:
    book = {v.name: v for v in exports.codebook(study, "long")}
    assert book["close"].allowed == "0-100"
    assert book["close"].label == "How close do you feel right now? [0 = Not at all, 100 = Very]"
    assert exports.codebook(study, "dyadic")[5].missing == (
        "empty cell: this partner has no prompt at this occasion"
    )
    assert book["calm"].allowed == "1-7"
    assert book["where"].allowed == "Home; Out" and book["where"].type == "category"
    assert book["note"].allowed == "text, at most 140 characters"
    assert book["closeness_closeness"].allowed == "1-7"
    assert book["closeness_closeness"].item == "closeness"
    items = {v.item for v in book.values()} - {""}
    assert items == {i["id"] for i in study.items}
    assert all(v.missing for v in book.values())
    assert list(book) == list(exports.long(study, now=NOW).columns)
    for layout in ("dyadic", "pairwise"):
        names = [v.name for v in exports.codebook(study, layout)]
        assert names == list(exports.table(study, layout, now=NOW).columns)
    assert "calm_1" in names or "calm_A" in names


def test_the_files_written(study: Study, tmp_path: Path) -> None:
    written = exports.write_export(study, "pairwise", tmp_path / "new", now=NOW)
    assert [p.name for p in written] == [
        "study-EVENINGS_layout-pairwise_data.csv",
        "codebook.csv",
        "codebook.json",
        "dataset_description.json",
    ]
    book = pd.read_csv(tmp_path / "new" / "codebook.csv", keep_default_na=False)
    assert list(book.columns) == ["variable", "label", "type", "allowed", "missing", "item"]
    assert json.loads((tmp_path / "new" / "codebook.json").read_text())[0]["name"] == "dyad"
    described = json.loads((tmp_path / "new" / "dataset_description.json").read_text())
    assert described["@context"] == "https://schema.org/" and described["@type"] == "Dataset"
    assert described["name"] == "Evenings together"
    assert [v["name"] for v in described["variableMeasured"]] == list(book["variable"])
    assert described["dateCreated"] == "2027-04-21T20:00:00Z"


# ------------------------------------------------------------------ the commands


def test_study_list_prints_id_code_and_title(study: Study) -> None:
    result = CliRunner().invoke(cli, ["study", "list"])
    assert result.exit_code == 0, result.output
    assert result.output == f"{study.pk}\tEVENINGS\tEvenings together\n"


def test_study_export_by_id_or_code(study: Study, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["study", "export", str(study.pk), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Wrote " in result.output and "layout-long_data.csv" in result.output
    result = runner.invoke(
        cli, ["study", "export", "evenings", "--layout", "dyadic", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "study-EVENINGS_layout-dyadic_data.csv").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["404"], "no study '404': give its id or code"),
        (["NOSUCH"], "no study 'NOSUCH'"),
        (["EVENINGS", "--layout", "wide"], "Invalid value for '--layout'"),
        (["SOLO2027", "--layout", "pairwise"], "--layout: the pairwise layout needs a couple"),
    ],
)
def test_study_export_refuses_bad_input_in_words(
    study: Study, tmp_path: Path, args: list[str], message: str
) -> None:
    make_study(study.researcher, couple=False, code="SOLO2027", id_prefix="SOL")
    result = CliRunner().invoke(cli, ["study", "export", *args, "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_study_export_to_a_folder_it_cannot_write(study: Study, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    result = CliRunner().invoke(cli, ["study", "export", "EVENINGS", "--out", str(blocked / "x")])
    assert result.exit_code == 1
    assert "--out: cannot write" in result.output
    assert isinstance(result.exception, SystemExit)


def test_the_exports_load_straight_into_alongside_analyze(study: Study, tmp_path: Path) -> None:
    runner = CliRunner()
    for layout in ("pairwise", "dyadic"):
        done = runner.invoke(
            cli, ["study", "export", "EVENINGS", "--layout", layout, "--out", str(tmp_path)]
        )
        assert done.exit_code == 0, done.output
    data = tmp_path / "data"
    apim_args = [
        "analyze",
        "apim",
        "--data",
        str(data / "study-EVENINGS_layout-pairwise_data.csv"),
        "--dyad",
        "dyad_occasion",
        "--outcome",
        "close_A",
        "--actor",
        "calm_A",
        "--partner",
        "calm_P",
        "--format",
        "json",
    ]
    apim = runner.invoke(cli, apim_args)
    assert apim.exit_code == 0, apim.output
    estimates = {row["term"]: row for row in json.loads(apim.stdout)}
    two_roles = runner.invoke(cli, [*apim_args, "--distinguish-by", "member"])
    assert two_roles.exit_code == 0, two_roles.output
    assert {row["role"] for row in json.loads(two_roles.stdout)} >= {"1", "2"}
    # Simulated with actor effect 6 and partner effect 3 (noise sd 6).
    assert 5 < estimates["actor"]["estimate"] < 7
    assert 2 < estimates["partner"]["estimate"] < 4
    dyadic = str(data / "study-EVENINGS_layout-dyadic_data.csv")
    diary = ["--data", dyadic, "--dyad", "dyad", "--time", "occasion", "--a", "close_1"]
    for command in ("networks", "lagged-apim"):
        result = runner.invoke(cli, ["analyze", command, *diary, "--b", "close_2"])
        assert result.exit_code == 0, (command, result.output)
        header = result.stdout.splitlines()[0].split(",")  # warnings go to stderr
        assert "term" in header and "estimate" in header, (command, result.output)


# ------------------------------------------------------------- the researcher's pages


def test_the_researcher_downloads_each_layout(study: Study, dana_client: Client) -> None:
    for layout in ("long", "dyadic", "pairwise"):
        response = dana_client.get(reverse("research:study_data", args=[study.pk, layout]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f"study-EVENINGS_layout-{layout}_data.csv" in response["Content-Disposition"]
        read = pd.read_csv(io.StringIO(response.content.decode()))
        assert list(read.columns) == [v.name for v in exports.codebook(study, layout)]
    page = dana_client.get(reverse("research:study", args=[study.pk])).content.decode()
    assert reverse("research:study_data", args=[study.pk, "pairwise"]) in page
    assert reverse("research:study_data_zip", args=[study.pk]) in page


def test_the_zip_holds_every_layout_with_its_codebook(study: Study, dana_client: Client) -> None:
    response = dana_client.get(reverse("research:study_data_zip", args=[study.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    for layout in ("long", "dyadic", "pairwise"):
        assert {
            f"{layout}/data/study-EVENINGS_layout-{layout}_data.csv",
            f"{layout}/codebook.csv",
            f"{layout}/codebook.json",
            f"{layout}/dataset_description.json",
        } <= names


def test_another_researchers_study_does_not_exist_for_them(
    study: Study, eve: Any, eve_client: Client
) -> None:
    for user_is_researcher in (False, True):
        if user_is_researcher:
            make_researcher(eve)
        for url in (
            reverse("research:study_data", args=[study.pk, "long"]),
            reverse("research:study_data_zip", args=[study.pk]),
        ):
            assert eve_client.get(url).status_code == 404


def test_a_layout_the_study_cannot_have(study: Study, dana_client: Client) -> None:
    url = reverse("research:study_data", args=[study.pk, "wide"])
    assert dana_client.get(url).status_code == 404
    solo = make_study(study.researcher, couple=False, code="SOLO2027", id_prefix="SOL")
    response = dana_client.get(
        reverse("research:study_data", args=[solo.pk, "dyadic"]), follow=True
    )
    assert "The dyadic layout needs a couple study" in response.content.decode()
    page = dana_client.get(reverse("research:study", args=[solo.pk])).content.decode()
    assert reverse("research:study_data", args=[solo.pk, "long"]) in page
    assert reverse("research:study_data", args=[solo.pk, "dyadic"]) not in page


@pytest.mark.parametrize("together", [True, False])
def test_partners_planned_by_the_schedule_share_every_occasion(
    dana: Any, alice: Any, ben: Any, together: bool
) -> None:
    make_researcher(dana)
    schedule = {**definition()["schedule"], "together": together}
    couple = make_study(dana, schedule=schedule)
    first, second = enrol(alice, couple), enrol(ben, couple)
    services.dyad_join(participant=second, raw_code=services.dyad_start(participant=first).code)
    planned = Prompt.objects.filter(participant=first).count()
    assert planned > 0 and Prompt.objects.filter(participant=second).count() == planned
    rows = exports.dyadic(couple)
    assert len(rows) == planned
    assert rows[["participant_1", "participant_2"]].notna().all().all()
    assert list(rows["occasion"]) == list(range(1, planned + 1))
    if together:
        assert (rows["scheduled_utc_1"] == rows["scheduled_utc_2"]).all()
