"""Text that can't be stored (a lone surrogate) gets a message next to the field.

A browser cannot send one (Django decodes form data with replacement characters), but
any form may be fed one some other way, and it must never become a server error.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from django import forms

import alongside
from alongside.checkins.forms import CheckInForm
from alongside.circle.forms import JoinForm, PersonForm
from alongside.lib.text import is_storable, unstorable_place, validate_storable

LONE = "\ud800"
MESSAGE = "Part of this text can't be saved (a broken character). Please type it again."


def test_only_lone_surrogates_are_unstorable() -> None:
    assert is_storable("plain, ünïcode and \U0001f33f")
    assert not is_storable(f"a {LONE} b")
    assert not is_storable("\udfff")


def test_the_place_of_unstorable_text_in_json_is_found() -> None:
    body = {"ok": ["fine", {"deep": f"x{LONE}"}], "n": 3}
    assert unstorable_place(body, ["body"]) == ["body", "ok", 1, "deep"]
    assert unstorable_place({LONE: 1}, ["body"]) == ["body", LONE]
    assert unstorable_place({"ok": "fine"}, ["body"]) is None


def test_a_check_in_note_with_a_lone_surrogate_is_refused_next_to_the_field(alice: Any) -> None:
    form = CheckInForm(
        data={"day": alice.local_today().isoformat(), "mood": "5", "note": f"kept {LONE}"},
        owner=alice,
    )
    assert not form.is_valid()
    assert form.errors["note"] == [MESSAGE]


def test_a_person_name_or_a_code_with_one_is_refused_next_to_the_field(db: None) -> None:
    person = PersonForm(data={"name": LONE, "kind": "friend"})
    assert not person.is_valid()
    assert person.errors["name"] == [MESSAGE]
    code = JoinForm(data={"code": f"ABCD{LONE}EFGH"})
    assert not code.is_valid()
    assert MESSAGE in code.errors["code"]


def _project_forms() -> list[Any]:
    found = []
    for module_info in pkgutil.walk_packages(alongside.__path__, "alongside."):
        if module_info.name.endswith(".forms"):
            module = importlib.import_module(module_info.name)
            found += [
                cls
                for _name, cls in inspect.getmembers(module, inspect.isclass)
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
            ]
    return found


def test_every_text_field_of_every_project_form_refuses_unstorable_text(db: None) -> None:
    checked = 0
    for form in _project_forms():
        for name, field in form.base_fields.items():
            # Fields with validators of their own kind (e-mail, URL) check their format.
            own_kind = type(field).default_validators is not forms.CharField.default_validators
            if isinstance(field, forms.CharField) and not own_kind:
                assert validate_storable in field.validators, f"{form.__name__}.{name}"
                checked += 1
    assert checked >= 10


def test_the_validator_ignores_what_is_not_text() -> None:
    validate_storable(3)
    validate_storable("fine")
    with pytest.raises(forms.ValidationError):
        validate_storable(LONE)
