"""Names in the circle are encrypted at rest, and still read like names to the person.

The database holds only ciphertext, so it cannot sort by name: every list of people is put
in alphabetical order in Python (case and accents aside, as a person reads a list).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from alongside.accounts.export import sections
from alongside.circle.models import Person

# Created in this order; SQLite's byte order would give Bea, Zoë, amir, Émile.
NAMES = ["Zoë", "amir", "Émile", "Bea"]
IN_ORDER = ["amir", "Bea", "Émile", "Zoë"]


@pytest.fixture
def circle(alice: Any) -> list[Person]:
    return [Person.objects.create(owner=alice, name=name, kind="friend") for name in NAMES]


def positions(page: str, names: list[str]) -> list[int]:
    return [page.index(name) for name in names]


def test_the_circle_page_lists_people_in_alphabetical_order(
    circle: list[Person], alice_client: Client
) -> None:
    page = alice_client.get("/circle/").content.decode()
    people = page[page.index('class="entries people"') :]
    found = positions(people, IN_ORDER)
    assert found == sorted(found)


def test_the_circle_picture_names_people_in_alphabetical_order(
    circle: list[Person], alice_client: Client
) -> None:
    page = alice_client.get("/circle/").content.decode()
    summary = re.search(r"Over the last four weeks — (.*?)\.<", page)
    assert summary, page
    named = [part.split(":")[0] for part in summary.group(1).split("; ")]
    assert named == IN_ORDER


def test_the_check_in_form_offers_people_in_alphabetical_order(
    circle: list[Person], alice_client: Client
) -> None:
    page = alice_client.get("/checkin/").content.decode()
    by_name = {p.name: p.pk for p in circle}
    offered = [int(pk) for pk in re.findall(r'name="received_from_people" value="(\d+)"', page)]
    assert offered == [by_name[name] for name in IN_ORDER]


def test_the_export_lists_the_circle_in_alphabetical_order(
    circle: list[Person], alice: Any
) -> None:
    assert [p["name"] for p in sections(alice)["circle"]] == IN_ORDER


def test_a_person_is_found_only_in_their_owners_circle(
    circle: list[Person], alice: Any, eve: Any
) -> None:
    Person.objects.create(owner=eve, name="Aaron", kind="friend")
    assert [p.name for p in Person.objects.filter(owner=alice).by_name()] == IN_ORDER


def test_a_name_keeps_its_length_limit_and_message(alice_client: Client) -> None:
    long_name = " ".join(["Bartholomew"] * 7)  # 83 characters
    response = alice_client.post("/circle/people/add/", {"name": long_name, "kind": "friend"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value has at most 80 characters (it has 83)." in page
    assert not Person.objects.exists()
    # A one-line field, as before: a name is not a paragraph.
    assert re.search(
        r'<input type="text" name="name" value="Bartholomew[^"]*" maxlength="80"', page
    )


def test_the_model_refuses_an_overlong_name_too(alice: Any) -> None:
    with pytest.raises(ValidationError, match="at most 80 characters"):
        Person(owner=alice, name="x" * 81, kind="friend").full_clean()
