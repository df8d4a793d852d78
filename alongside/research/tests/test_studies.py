"""Studies: the researcher role, the definition's checks, the web form, and study files."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from pydantic import BaseModel

from alongside.research import services
from alongside.research.definition import DefinitionError, dump_yaml, parse_definition
from alongside.research.models import ConsentVersion, ResearcherProfile, Study
from alongside.research.tests.helpers import definition, make_study
from conftest import make_researcher


def _issues(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(DefinitionError) as caught:
        services.study_create(researcher=None, data=data)
    return {issue.path: issue.message for issue in caught.value.issues}


# ----------------------------------------------------------------- the role


def test_the_command_grants_and_takes_the_role(alice: Any) -> None:
    out = StringIO()
    call_command("grant_researcher", "ALICE@example.org", stdout=out)
    assert services.is_researcher(alice)
    assert ResearcherProfile.objects.get(user=alice).granted_by == "site administrator"
    call_command("grant_researcher", "alice@example.org", "--undo", stdout=out)
    assert not services.is_researcher(alice)


def test_the_command_names_an_unknown_address(db: None) -> None:
    with pytest.raises(CommandError, match=r"nobody@example\.org"):
        call_command("grant_researcher", "nobody@example.org")


def test_the_admin_grants_and_takes_the_role(alice: Any, eve: Any, rf: Any) -> None:
    from django.contrib import admin

    from alongside.research.admin import ResearcherProfileAdmin

    request = rf.post("/")
    request.user = eve
    model_admin = ResearcherProfileAdmin(ResearcherProfile, admin.site)
    profile = ResearcherProfile(user=alice)
    model_admin.save_model(request, profile, form=None, change=False)
    assert services.is_researcher(alice) and profile.granted_by == "Eve"
    model_admin.take_role_away(request, ResearcherProfile.objects.filter(user=alice))
    assert not services.is_researcher(alice)


def test_only_researchers_create_studies(alice_client: Client, alice: Any) -> None:
    response = alice_client.get(reverse("research:study_new"))
    assert response.status_code == 200
    assert "give the researcher role" in response.content.decode()
    response = alice_client.post(reverse("research:study_new"), {"title": "x"})
    assert not Study.objects.exists()
    make_researcher(alice)
    assert 'name="items"' in alice_client.get(reverse("research:study_new")).content.decode()


# ----------------------------------------------------------- the definition


def test_a_good_definition_is_stored_with_its_first_consent_version(alice: Any) -> None:
    study = make_study(alice)
    assert study.code == "EVENINGS" and study.id_prefix == "EVN" and study.is_couple
    assert [i["type"] for i in study.items] == ["slider", "scale", "choice", "text", "instrument"]
    assert study.schedule["kind"] == "random" and study.schedule["per_window"] == 2


def test_the_schedule_is_stored_as_given_and_read_with_its_defaults(alice: Any) -> None:
    from alongside.research.definition import RandomSchedule, schedule_of

    given = {"kind": "random", "windows": ["09:00-12:00"]}
    study = make_study(alice, schedule=given)
    assert study.schedule == given
    schedule = schedule_of(study.schedule)
    assert isinstance(schedule, RandomSchedule)
    assert (schedule.per_window, schedule.min_gap, schedule.expiry) == (1, 0, 60)
    assert (schedule.days_apart(), schedule.reminders, schedule.wakes_at) == (1, 0, None)
    weekly = schedule_of({"kind": "daily", "time": "21:00", "every_weeks": 2})
    assert weekly.days_apart() == 14


def test_it_refuses_a_start_in_the_past(db: None) -> None:
    assert _issues(definition(starts_on=dt.date.today() - dt.timedelta(days=1))) == {
        "starts_on": "the first day is already past"
    }


def test_it_refuses_an_end_before_the_start(db: None) -> None:
    today = dt.date.today()
    issues = _issues(definition(starts_on=today + dt.timedelta(days=9), ends_on=today))
    assert issues == {"ends_on": "the study ends before it starts"}


def test_it_names_an_unknown_item_type(db: None) -> None:
    data = definition()
    data["items"][1]["type"] = "stars"
    issues = _issues(data)
    assert list(issues) == ["items[1].type"]
    assert "unknown item type 'stars'" in issues["items[1].type"]


def test_a_choice_needs_options(db: None) -> None:
    data = definition()
    data["items"][2]["options"] = []
    assert _issues(data) == {"items[2].options": "a choice item needs at least two options"}


def test_an_instrument_must_be_installed(db: None) -> None:
    data = definition()
    data["items"][4]["instrument"] = "no-such-scale"
    assert "items[4].instrument" in _issues(data)


def test_schedule_problems_name_their_path(db: None) -> None:
    data = definition()
    data["schedule"]["per_windw"] = 1
    issues = _issues(data)
    assert "schedule.per_windw" in issues  # a typo is named, not ignored
    data["schedule"].pop("per_windw")
    data["schedule"]["windows"] = ["22:00-18:00", "18:00-19:00", "18:30-21:00", "9-12"]
    data["schedule"]["reminders"] = 3
    data["schedule"]["expiry"] = 3
    issues = _issues(data)
    assert set(issues) == {"schedule.windows[3]"}  # the shape first
    assert "HH:MM-HH:MM" in issues["schedule.windows[3]"]
    data["schedule"]["windows"].pop()
    issues = _issues(data)
    assert issues == {
        "schedule.reminders": "the reminders need a longer expiry to fit before it",
        "schedule.windows[0]": "a window ends after it starts, within the day",
        "schedule.windows[1]": "the window is too short for its prompts with the gap between them",
        "schedule.windows[2]": "overlaps windows[1]",
    }


def test_every_days_or_every_weeks(db: None) -> None:
    issues = _issues(
        definition(schedule={"kind": "daily", "time": "21:00", "every_days": 2, "every_weeks": 1})
    )
    assert issues == {"schedule.every_weeks": "give every_days or every_weeks, not both"}


def test_an_unknown_schedule_kind_is_named(db: None) -> None:
    issues = _issues(definition(schedule={"kind": "hourly"}))
    assert list(issues) == ["schedule"]
    assert "daily, fixed, random, interval" in issues["schedule"]


@pytest.mark.parametrize(
    "schedule",
    [
        {"kind": "daily", "time": "20:30"},
        {"kind": "fixed", "times": ["09:00", "13:00", "20:00"], "every_days": 2},
        {"kind": "interval", "windows": ["09:00-21:00"], "every": 90, "wakes_at": "08:00"},
        {"kind": "daily", "time": "08:00", "every_weeks": 1},
        {"kind": "random", "windows": ["09:00-24:00"], "per_window": 6, "min_gap": 60},
    ],
)
def test_every_schedule_kind_is_accepted(alice: Any, schedule: dict[str, Any]) -> None:
    study = make_study(alice, schedule=schedule)
    assert study.schedule == schedule


def test_an_unquoted_time_is_explained(db: None) -> None:
    text = dump_yaml(definition(schedule={"kind": "daily", "time": "21:00"}))
    data = yaml.safe_load(text.replace("'21:00'", "21:00"))
    assert data["schedule"]["time"] == 1260  # as YAML 1.1 reads it
    issues = _issues(data)
    assert issues == {"schedule.time": 'write times in quotes, like "21:00"'}


def test_a_used_code_is_named(alice: Any) -> None:
    make_study(alice)
    assert _issues(definition(code="evenings")) == {"code": "another study uses this code already"}


def test_nothing_is_half_stored(alice: Any) -> None:
    data = definition()
    data["items"][2]["options"] = []
    with pytest.raises(DefinitionError):
        services.study_create(researcher=alice, data=data)
    assert not Study.objects.exists() and not ConsentVersion.objects.exists()


# ------------------------------------------------------------- the web form


def _form(**changes: Any) -> dict[str, Any]:
    data = definition()
    fields = {
        "title": data["title"],
        "description": data["description"],
        "code": data["code"],
        "id_prefix": data["id_prefix"],
        "couple": "on",
        "starts_on": data["starts_on"].isoformat(),
        "ends_on": data["ends_on"].isoformat(),
        "information_sheet": data["consent"]["information_sheet"],
        "consent_text": data["consent"]["text"],
        "on_withdrawal": "ask",
        "items": dump_yaml(data["items"]),
        "schedule": dump_yaml(data["schedule"]),
    }
    fields.update(changes)
    return fields


def test_the_web_form_creates_a_study(alice: Any, alice_client: Client) -> None:
    make_researcher(alice)
    response = alice_client.post(reverse("research:study_new"), _form())
    study = Study.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "research:study", args=[study.pk]
    )
    assert services.study_data(study)["items"] == definition()["items"]
    assert services.study_data(study)["schedule"] == definition()["schedule"]


def test_the_web_form_puts_each_problem_next_to_its_field(alice: Any, alice_client: Client) -> None:
    make_researcher(alice)
    today = dt.date.today()
    response = alice_client.post(
        reverse("research:study_new"),
        _form(
            starts_on=(today - dt.timedelta(days=3)).isoformat(),
            items="- id: where\n  type: choice\n  text: Where?\n",
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["items"] == ["items[0].options: a choice item needs at least two options"]
    assert not Study.objects.exists()
    # Nothing the researcher typed is lost.
    assert "Where?" in response.content.decode()
    response = alice_client.post(
        reverse("research:study_new"),
        _form(starts_on=(today - dt.timedelta(days=3)).isoformat()),
    )
    assert response.context["form"].errors["starts_on"] == ["the first day is already past"]
    response = alice_client.post(
        reverse("research:study_new"),
        _form(ends_on=today.isoformat(), starts_on=(today + dt.timedelta(days=4)).isoformat()),
    )
    assert response.context["form"].errors["ends_on"] == ["the study ends before it starts"]


def test_editing_keeps_the_consent_and_checks_again(alice: Any, alice_client: Client) -> None:
    make_researcher(alice)
    study = make_study(alice)
    url = reverse("research:study_edit", args=[study.pk])
    page = alice_client.get(url)
    assert page.status_code == 200 and "EVENINGS" in page.content.decode()
    form = {k: v for k, v in page.context["form"].initial.items()}
    form["couple"] = "on"
    form["title"] = "Evenings, together"
    assert alice_client.post(url, form).status_code == 302
    study.refresh_from_db()
    assert study.title == "Evenings, together"
    assert study.consent_versions.count() == 1
    form["items"] = "- id: x\n  type: stars\n  text: Hm\n"
    response = alice_client.post(url, form)
    assert "items[0].type" in response.context["form"].errors["items"][0]


def test_another_researcher_cannot_open_the_study(alice: Any, eve: Any, eve_client: Client) -> None:
    study = make_study(alice)
    make_researcher(eve)
    for name in ("study", "study_edit", "study_export", "consent_new"):
        assert eve_client.get(reverse(f"research:{name}", args=[study.pk])).status_code == 404


# ---------------------------------------------------------------- study files


def test_a_study_file_round_trips(alice: Any, tmp_path: Path) -> None:
    make_researcher(alice)
    study = make_study(alice)
    first = StringIO()
    call_command("study_export", str(study.pk), stdout=first)
    exported = first.getvalue()
    study.participants.all().delete()
    study.delete()
    file = tmp_path / "study.yaml"
    file.write_text(exported, encoding="utf-8")
    call_command("study_import", str(file), "--researcher", "alice@example.org", stdout=StringIO())
    again = StringIO()
    call_command("study_export", str(Study.objects.get().pk), stdout=again)
    assert again.getvalue() == exported
    assert yaml.safe_load(exported) == services.study_data(Study.objects.get())
    by_code = StringIO()
    call_command("study_export", "evenings", stdout=by_code)
    assert by_code.getvalue() == exported


def test_the_export_page_gives_the_same_file(alice: Any, alice_client: Client) -> None:
    make_researcher(alice)
    study = make_study(alice)
    response = alice_client.get(reverse("research:study_export", args=[study.pk]))
    assert response["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(response.content) == services.study_data(study)


def test_a_bad_file_names_the_field_and_stores_nothing(alice: Any, tmp_path: Path) -> None:
    make_researcher(alice)
    data = definition()
    data["items"][2].pop("options")
    data["consent"].pop("text")
    file = tmp_path / "bad.yaml"
    file.write_text(dump_yaml(data), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("study_import", str(file), "--researcher", "alice@example.org")
    assert "consent.text: this field is required" in str(caught.value)
    assert not Study.objects.exists()
    del data["consent"]["researcher_sees_identity"]
    data["consent"]["text"] = "ok"
    file.write_text(dump_yaml(data), encoding="utf-8")
    with pytest.raises(CommandError, match=r"items\[2\]\.options"):
        call_command("study_import", str(file), "--researcher", "alice@example.org")


def test_the_import_page_lists_the_problems(alice: Any, alice_client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_researcher(alice)
    bad = dump_yaml(definition(ends_on=dt.date.today())).encode()
    response = alice_client.post(
        reverse("research:study_import"), {"file": SimpleUploadedFile("s.yaml", bad)}
    )
    assert response.status_code == 422
    assert "ends_on: the study ends before it starts" in response.content.decode()
    assert not Study.objects.exists()
    good = dump_yaml(definition()).encode()
    response = alice_client.post(
        reverse("research:study_import"), {"file": SimpleUploadedFile("s.yaml", good)}
    )
    assert response.status_code == 302 and Study.objects.get().researcher == alice


def test_broken_yaml_is_one_clear_problem(alice: Any, tmp_path: Path) -> None:
    make_researcher(alice)
    file = tmp_path / "broken.yaml"
    file.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid YAML"):
        call_command("study_import", str(file), "--researcher", "alice@example.org")


def test_only_a_researcher_imports(alice: Any, tmp_path: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(dump_yaml(definition()), encoding="utf-8")
    with pytest.raises(CommandError, match="not a researcher"):
        call_command("study_import", str(file), "--researcher", "alice@example.org")


def test_every_study_file_field_is_documented() -> None:
    from alongside.research import definition as d

    guide = (Path(__file__).resolve().parents[3] / "docs" / "research.md").read_text("utf-8")
    section = guide.split("## Study files", 1)[1].split("\n## ", 1)[0]
    models: list[type[BaseModel]] = [d.Definition, d.Consent, d.Item]
    models += [d.DailySchedule, d.FixedSchedule, d.RandomSchedule, d.IntervalSchedule]
    names = {name for model in models for name in model.model_fields}
    names |= set(d.ITEM_TYPES) | set(d.SCHEDULE_KINDS)
    missing = sorted(name for name in names if f"`{name}`" not in section)
    assert not missing, f"Describe these in docs/research.md, Study files: {missing}"


def test_the_documented_example_is_a_valid_study_file() -> None:
    guide = (Path(__file__).resolve().parents[3] / "docs" / "research.md").read_text("utf-8")
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    parsed = parse_definition(yaml.safe_load(example), instruments=services.installed_instruments())
    assert parsed.code == "EVENINGS" and len(parsed.items) == 5
