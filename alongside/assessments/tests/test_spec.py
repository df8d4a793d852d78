"""The instrument format and its validator."""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

import pytest
import yaml

from alongside.assessments import closeness, importers, scoring, spec
from alongside.assessments.spec import (
    INSTRUMENTS_DIR,
    AnswerError,
    AssessmentError,
    ItemWording,
    ReliableChangeParams,
    Source,
    SpecError,
    WordingPack,
    apply_wording,
    dump_spec,
    get_instrument,
    load_spec,
    parse_spec,
    shipped_instruments,
    spec_to_data,
    validate_spec,
    with_reliable_change,
    wording_pack_from_data,
    wording_pack_to_data,
    wording_status,
)

SHIPPED_KEYS = ("ecr-r", "ecr-rs", "csi-4", "csi-16", "mspss", "need-satisfaction", "ras")
OWN_MEASURES = ("alongside-safety-needs", "alongside-closeness")


def minimal() -> dict[str, Any]:
    return {
        "id": "tiny",
        "version": 1,
        "title": "Tiny",
        "kind": "reflection",
        "label": "A reflection, not a validated questionnaire",
        "about": {"kind": "self"},
        "citation": "Made up for a test.",
        "licence": {"name": "Test", "terms": "Test only."},
        "scale": {"min": 1, "max": 5},
        "items": [
            {"id": "a", "number": 1, "wording": "A?"},
            {"id": "b", "number": 2, "wording": "B?"},
        ],
        "subscales": [
            {
                "id": "total",
                "label": "Total",
                "items": ["a", "b"],
                "method": "mean",
                "direction": "neutral",
                "interpretation": [
                    {"min": 1, "max": 3, "text": "Lower."},
                    {"min": 3, "max": 5, "text": "Higher."},
                ],
            }
        ],
    }


def paths(data: Any) -> list[str]:
    return [str(issue) for issue in validate_spec(data)]


def test_it_ships_every_instrument_the_issue_names() -> None:
    assert set(shipped_instruments()) == set(SHIPPED_KEYS) | set(OWN_MEASURES)


def test_the_shipped_keys_carry_no_wording_and_say_how_to_install_it() -> None:
    for key in SHIPPED_KEYS:
        instrument = get_instrument(key)
        assert instrument.kind == "validated"
        assert not instrument.wording_shipped
        assert all(item.wording is None for item in instrument.items)
        assert all(o.label is None for item in instrument.items for o in item.scale.options)
        status = wording_status(instrument)
        assert not status.installed
        assert status.missing == tuple(item.id for item in instrument.items)
        assert status.message is not None
        assert "not installed" in status.message
        assert f"--into {key}" in status.message


def test_the_raw_files_of_shipped_keys_hold_no_item_text() -> None:
    for key in SHIPPED_KEYS:
        raw = yaml.safe_load((INSTRUMENTS_DIR / f"{key}.yaml").read_text(encoding="utf-8"))
        for item in raw["items"]:
            assert item.get("wording") is None
            assert "labels" not in item.get("scale", {})
        assert "labels" not in raw.get("scale", {})


def test_the_projects_own_measures_are_labelled_as_reflections() -> None:
    for key in OWN_MEASURES:
        instrument = get_instrument(key)
        assert instrument.kind == "reflection"
        assert instrument.label == "A reflection, not a validated questionnaire"
        assert instrument.wording_installed
        assert wording_status(instrument).message is None
        for item in instrument.items:
            labels = [item.scale.label_for(v) for v in range(item.scale.min, item.scale.max + 1)]
            assert all(labels), item.id


def test_every_validated_key_cites_its_sources_and_every_subscale_is_interpreted() -> None:
    for key in SHIPPED_KEYS:
        instrument = get_instrument(key)
        assert instrument.citation
        assert instrument.licence.terms
        assert instrument.sources
        assert all(s.verified or s.note for s in instrument.sources)
        for sub in instrument.subscales:
            assert sub.interpretations, f"{key}.{sub.id}"
            assert sub.direction in ("higher_is_better", "lower_is_better", "neutral")


def test_ecr_rs_is_answered_once_per_relationship_with_a_global_score() -> None:
    ecr_rs = get_instrument("ecr-rs")
    assert ecr_rs.about.kind == "relationship"
    assert ecr_rs.about.relationships == ("mother", "father", "partner", "best_friend")
    assert ecr_rs.about.global_subscales == ("avoidance", "anxiety")


def test_the_instrument_round_trips_through_plain_data_and_yaml() -> None:
    for instrument in shipped_instruments().values():
        assert parse_spec(spec_to_data(instrument)) == instrument
        assert parse_spec(yaml.safe_load(dump_spec(instrument))) == instrument


def test_a_minimal_document_is_valid() -> None:
    assert validate_spec(minimal()) == []
    tiny = parse_spec(minimal())
    assert tiny.subscale("total").range == (Fraction(1), Fraction(5))


def test_it_names_the_field_when_a_scale_max_is_not_above_min() -> None:
    data = minimal()
    data["items"] += [
        {"id": "c", "number": 3, "wording": "C?"},
        {"id": "d", "number": 4, "wording": "D?", "scale": {"min": 5, "max": 5}},
    ]
    assert "items[3].scale.max: must be greater than min" in paths(data)


def test_it_names_missing_and_mistyped_fields() -> None:
    data = minimal()
    del data["title"]
    data["version"] = "one"
    data["items"][1]["number"] = 1
    data["subscales"][0]["method"] = "median"
    data["colour"] = "blue"
    found = paths(data)
    assert "title: is required" in found
    assert any(p.startswith("version: must be a whole number") for p in found)
    assert "items[1].number: 1 is used by an earlier item" in found
    assert any(p.startswith("subscales[0].method: must be one of mean, sum") for p in found)
    assert "colour: is not a known field" in found


def test_it_rejects_a_subscale_naming_an_unknown_item() -> None:
    data = minimal()
    data["subscales"][0]["items"] = ["a", "zz"]
    assert "subscales[0].items[1]: 'zz' is not an item of this instrument" in paths(data)


def test_it_checks_a_declared_range_against_the_scoring_rule() -> None:
    data = minimal()
    data["subscales"][0]["range"] = [2, 10]
    assert any(
        p.startswith("subscales[0].range: declared [2, 10] but the items and method imply [1, 5]")
        for p in paths(data)
    )
    data["subscales"][0]["method"] = "sum"
    data["subscales"][0]["range"] = [2, 10]
    data["subscales"][0]["interpretation"] = [{"min": 2, "max": 10, "text": "Any."}]
    assert paths(data) == []


def test_interpretation_bands_must_cover_the_range_without_gaps() -> None:
    data = minimal()
    data["subscales"][0]["interpretation"] = [
        {"min": 1, "max": 2, "text": "Lower."},
        {"min": 3, "max": 4, "text": "Higher."},
    ]
    found = paths(data)
    assert any(p.startswith("subscales[0].interpretation[1].min: must equal") for p in found)
    assert any(p.startswith("subscales[0].interpretation[1].max: must end at") for p in found)


@pytest.mark.parametrize(
    "text", ["You have an anxiety disorder.", "This is abnormal.", "A diagnosis of X.", "Symptoms."]
)
def test_the_validator_refuses_diagnostic_language(text: str) -> None:
    data = minimal()
    data["subscales"][0]["interpretation"][0]["text"] = text
    assert any(p.startswith("subscales[0].interpretation[0].text: uses") for p in paths(data))


def test_wording_must_be_null_when_the_wording_is_not_shipped() -> None:
    data = minimal()
    data["kind"] = "validated"
    data["sources"] = [{"citation": "Someone (2000)."}]
    data["wording"] = {"shipped": False, "install": "Import it."}
    assert any(p.startswith("items[0].wording: must be null") for p in paths(data))


def test_an_unverified_source_must_say_what_is_unchecked() -> None:
    data = minimal()
    data["sources"] = [{"citation": "Someone (2000).", "verified": False}]
    assert "sources[0].note: is required when verified is false (say what is unchecked)" in paths(
        data
    )


def test_reliable_change_needs_a_cited_sd_and_a_reliability_between_0_and_1() -> None:
    data = minimal()
    data["subscales"][0]["reliable_change"] = {
        "sd": 0,
        "reliability": 1.2,
        "reliability_kind": "test-retest",
        "sources": [],
    }
    found = paths(data)
    assert "subscales[0].reliable_change.sd: must be greater than 0" in found
    assert any(
        p.startswith("subscales[0].reliable_change.reliability: must be between") for p in found
    )


def test_relationship_instruments_need_their_relationships() -> None:
    data = minimal()
    data["about"] = {"kind": "relationship", "global": {"subscales": ["nope"]}}
    found = paths(data)
    assert "about.relationships: is required when kind is relationship" in found
    assert "about.global.subscales[0]: 'nope' is not a subscale" in found


def test_load_spec_reports_yaml_errors_with_the_line(tmp_path: Any) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nitems: [\n  - {id: a\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_spec(broken)
    assert "not valid YAML" in str(caught.value)
    assert "line" in caught.value.field


def test_parse_spec_raises_one_error_listing_every_problem() -> None:
    data = minimal()
    data["items"][0]["scale"] = {"min": 3, "max": 1}
    data["licence"] = "free"
    with pytest.raises(SpecError) as caught:
        parse_spec(data, source="tiny.yaml")
    message = str(caught.value)
    assert message.startswith("tiny.yaml: ")
    assert "items[0].scale.max: must be greater than min" in message
    assert "licence: must be a mapping" in message
    assert len(caught.value.issues) >= 2


def test_apply_wording_installs_text_and_option_labels() -> None:
    ras = get_instrument("ras")
    pack = WordingPack(
        instrument_id="ras",
        items=tuple(
            ItemWording(item.id, f"Made-up question {item.number}?", ()) for item in ras.items
        ),
    )
    installed = apply_wording(ras, pack)
    assert installed.wording_installed
    assert installed.item("q4").reverse
    assert wording_pack_from_data(wording_pack_to_data(pack)) == pack


def test_apply_wording_refuses_gaps_strangers_and_options_off_the_scale() -> None:
    ras = get_instrument("ras")
    partial = WordingPack("ras", (ItemWording("q1", "Made up?"),))
    with pytest.raises(AnswerError) as caught:
        apply_wording(ras, partial)
    assert "answers[q2]" in caught.value.field
    stranger = WordingPack("ras", (ItemWording("q99", "Made up?"),))
    with pytest.raises(AnswerError, match="q99"):
        apply_wording(ras, stranger)
    off_scale = WordingPack(
        "ras",
        tuple(
            ItemWording(i.id, "Made up?", (spec.ScaleOption(9, "Nine"),) if i.id == "q2" else ())
            for i in ras.items
        ),
    )
    with pytest.raises(AnswerError) as caught:
        apply_wording(ras, off_scale)
    assert caught.value.item_ids == ("q2",)
    with pytest.raises(AssessmentError, match="instrument_id"):
        apply_wording(ras, WordingPack("csi-4", ()))


def test_with_reliable_change_installs_a_deployments_own_figures() -> None:
    ecr_rs = get_instrument("ecr-rs")
    assert ecr_rs.subscale("avoidance").reliable_change is None
    params = ReliableChangeParams(
        sd=1.2,
        reliability=0.65,
        reliability_kind="test-retest",
        sources=(Source("Clinic sample."),),
    )
    updated = with_reliable_change(ecr_rs, "avoidance", params)
    assert updated.subscale("avoidance").reliable_change == params
    assert updated.subscale("anxiety").reliable_change is None
    with pytest.raises(AssessmentError, match="reliability"):
        with_reliable_change(
            ecr_rs,
            "avoidance",
            ReliableChangeParams(1.0, 1.0, "alpha", (Source("x"),)),
        )


def test_unknown_lookups_raise_the_project_error() -> None:
    with pytest.raises(AssessmentError, match="no shipped instrument"):
        get_instrument("phq-9")
    with pytest.raises(AssessmentError, match="no subscale"):
        get_instrument("ras").subscale("joy")


def test_public_names_are_listed_and_exist() -> None:
    for module in (spec, scoring, importers, closeness):
        assert module.__all__ == sorted(module.__all__, key=lambda n: (not n.isupper(), n))
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_minimal_helper_is_not_shared_between_tests() -> None:
    first = minimal()
    second = copy.deepcopy(first)
    first["items"].pop()
    assert len(second["items"]) == 2


def test_every_public_function_is_documented() -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[3] / "docs" / "instruments.md").read_text(
        encoding="utf-8"
    )
    for module in (spec, scoring, importers, closeness):
        for name in module.__all__:
            if name[0].islower():
                assert f"`{name}" in docs, f"{module.__name__}.{name} is not in docs/instruments.md"
