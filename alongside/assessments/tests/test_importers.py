"""REDCap and ReproSchema importers, with fixtures of made-up wording."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from alongside.assessments.importers import (
    REDCAP_COLUMNS,
    import_file,
    instrument_from_redcap,
    instrument_from_reproschema,
    spec_to_redcap_csv,
    wording_from_redcap,
    wording_from_reproschema,
)
from alongside.assessments.scoring import score
from alongside.assessments.spec import (
    ImportFileError,
    InstrumentSpec,
    WordingPack,
    apply_wording,
    dump_spec,
    get_instrument,
    load_spec,
    wording_status,
)

FIXTURES = Path(__file__).parent / "fixtures"
GARDEN_CSV = FIXTURES / "redcap_garden_check.csv"
ECR_RS_CSV = FIXTURES / "redcap_ecr_rs_wording.csv"
GARDEN_RS = FIXTURES / "reproschema" / "garden_check" / "garden_check_schema.jsonld"
ECR_RS_RS = FIXTURES / "reproschema" / "ecr_rs_local" / "ecr_rs_local_schema.jsonld"


def redcap(tmp_path: Path, rows: list[list[str]], header: tuple[str, ...] = REDCAP_COLUMNS) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row + [""] * (len(header) - len(row)))
    path = tmp_path / "dictionary.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def field(
    name: str, field_type: str = "radio", choices: str = "1, Low | 2, Mid | 3, High"
) -> list[str]:
    return [name, "made_up", "", field_type, f"Made-up question {name}?", choices]


def assert_garden(spec: InstrumentSpec) -> None:
    assert [i.id for i in spec.items] == [
        "gc_water",
        "gc_weeds",
        "gc_forget",
        "gc_bench",
        "gc_clouds",
    ]
    assert [i.number for i in spec.items] == [1, 2, 3, 4, 5]
    assert spec.item("gc_forget").reverse
    assert not spec.item("gc_clouds").required
    assert spec.item("gc_weeds").wording == "How often do you pull weeds before they spread?"
    assert spec.item("gc_water").scale.label_for(5) == "Nearly always"
    assert spec.subscale("tending").items == ("gc_water", "gc_weeds", "gc_forget")
    assert spec.subscale("resting").items == ("gc_bench", "gc_clouds")
    result = score(spec, {"gc_water": 5, "gc_weeds": 4, "gc_forget": 2, "gc_bench": 3})
    # Tending: 5 + 4 + (1 + 5 - 2 = 4) = 13 -> 13/3; resting: only gc_bench answered and
    # the imported subscale needs both of its items, so no score.
    assert result["tending"].value == pytest.approx(13 / 3)
    assert result["resting"].exact is None


# --------------------------------------------------------------------- REDCap


def test_a_redcap_dictionary_becomes_an_instrument() -> None:
    garden = instrument_from_redcap(GARDEN_CSV)
    assert garden.id == "garden_check"
    assert garden.kind == "imported"
    assert garden.wording_installed
    assert_garden(garden)


def test_a_redcap_instrument_round_trips_through_yaml_and_a_redcap_export(tmp_path: Path) -> None:
    garden = instrument_from_redcap(GARDEN_CSV)
    as_yaml = tmp_path / "garden.yaml"
    as_yaml.write_text(dump_spec(garden), encoding="utf-8")
    assert load_spec(as_yaml) == garden
    exported = tmp_path / "exported.csv"
    exported.write_text(spec_to_redcap_csv(garden), encoding="utf-8")
    again = instrument_from_redcap(exported)
    assert again.items == garden.items
    assert again.subscales == garden.subscales


def test_redcap_wording_installs_into_a_shipped_key_by_item_number() -> None:
    ecr_rs = get_instrument("ecr-rs")
    pack = wording_from_redcap(ECR_RS_CSV, ecr_rs)
    assert isinstance(pack, WordingPack)
    assert [w.item_id for w in pack.items] == [f"q{n}" for n in range(1, 10)]
    installed = apply_wording(ecr_rs, pack)
    assert wording_status(installed).installed
    wording = installed.item("q1").wording
    assert wording is not None
    assert wording.startswith("Made-up statement one")
    assert installed.item("q1").reverse  # the key is untouched
    assert installed.item("q7").scale.label_for(7) == "Totally my thing"


def test_redcap_wording_can_be_matched_by_an_explicit_mapping(tmp_path: Path) -> None:
    rows = [
        field(f"x{n}", choices=" | ".join(f"{v}, L{v}" for v in range(1, 6)))
        for n in range(7, 0, -1)
    ]
    path = redcap(tmp_path, rows)
    mapping = {f"x{n}": f"q{n}" for n in range(1, 8)}
    pack = wording_from_redcap(path, get_instrument("ras"), mapping=mapping)
    assert {w.item_id: w.text for w in pack.items}["q3"] == "Made-up question x3?"


def test_redcap_export_refuses_a_key_without_wording() -> None:
    with pytest.raises(Exception, match="not installed"):
        spec_to_redcap_csv(get_instrument("ras"))


@pytest.mark.parametrize(
    ("rows", "line", "column", "words"),
    [
        (
            [field("a1"), field("a2", choices="1, Low | two, Mid")],
            3,
            "Choices, Calculations, OR Slider Labels",
            "'two'",
        ),
        (
            [field("a1"), field("a2", choices="1, Low | 3, High")],
            3,
            "Choices, Calculations, OR Slider Labels",
            "without gaps",
        ),
        (
            [field("a1"), field("a2", choices="1 Low | 2 High")],
            3,
            "Choices, Calculations, OR Slider Labels",
            "'code, label'",
        ),
        ([field("a1"), field("a2", field_type="checkbox")], 3, "Field Type", "'checkbox'"),
        ([field("a1"), field("A 2")], 3, "Variable / Field Name", "'A 2'"),
        (
            [field("a1"), ["a2", "made_up", "", "radio", "", "1, Low | 2, High"]],
            3,
            "Field Label",
            "no question text",
        ),
        (
            [field("a1"), ["a2", "other_form", "", "radio", "Q?", "1, Low | 2, High"]],
            3,
            "Form Name",
            "more than one form",
        ),
        (
            [field("a1"), [*field("a2", field_type="slider"), "", "", "10", "5"]],
            3,
            "Text Validation Max",
            "greater than",
        ),
    ],
)
def test_malformed_redcap_rows_are_refused_naming_the_line_and_column(
    tmp_path: Path, rows: list[list[str]], line: int, column: str, words: str
) -> None:
    path = redcap(tmp_path, rows)
    with pytest.raises(ImportFileError) as caught:
        instrument_from_redcap(path)
    error = caught.value
    assert error.line == line
    assert error.column == column
    assert words in str(error)
    assert str(error).startswith(f"dictionary.csv, line {line}, field '{column}': ")


def test_line_numbers_count_physical_lines_after_a_label_spanning_two_lines(tmp_path: Path) -> None:
    first = field("a1")
    first[4] = "A made-up question\nthat runs over two lines?"
    path = redcap(tmp_path, [first, field("a2", choices="1, Low | x, High")])
    with pytest.raises(ImportFileError) as caught:
        instrument_from_redcap(path)
    assert caught.value.line == 4


def test_a_redcap_file_without_the_standard_columns_is_refused_at_line_1(tmp_path: Path) -> None:
    path = redcap(
        tmp_path,
        [["a1", "made_up", "radio"]],
        header=("Variable / Field Name", "Form Name", "Field Type"),
    )
    with pytest.raises(ImportFileError) as caught:
        instrument_from_redcap(path)
    assert caught.value.line == 1
    assert caught.value.column == "Field Label"


def test_wording_whose_codes_do_not_match_the_key_is_refused_naming_the_row(tmp_path: Path) -> None:
    zero_based = " | ".join(f"{v}, L{v}" for v in range(0, 7))
    rows = [
        field(
            f"rs_{n}",
            choices=zero_based if n == 4 else " | ".join(f"{v}, L{v}" for v in range(1, 8)),
        )
        for n in range(1, 10)
    ]
    path = redcap(tmp_path, rows)
    with pytest.raises(ImportFileError) as caught:
        wording_from_redcap(path, get_instrument("ecr-rs"))
    assert caught.value.line == 5
    assert caught.value.column == "Choices, Calculations, OR Slider Labels"
    assert "answered 0 to 6, but item 4 of ECR-RS is answered 1 to 7" in str(caught.value)


def test_wording_with_the_wrong_number_of_fields_is_refused(tmp_path: Path) -> None:
    rows = [
        field(f"rs_{n}", choices=" | ".join(f"{v}, L{v}" for v in range(1, 8))) for n in range(1, 9)
    ]
    with pytest.raises(ImportFileError, match="8 answerable fields but ECR-RS has 9 items"):
        wording_from_redcap(redcap(tmp_path, rows), get_instrument("ecr-rs"))


def test_a_mapping_to_an_unknown_item_is_refused(tmp_path: Path) -> None:
    path = redcap(tmp_path, [field("a1")])
    with pytest.raises(ImportFileError) as caught:
        wording_from_redcap(path, get_instrument("ras"), mapping={"a1": "q99"})
    assert caught.value.line == 2
    assert caught.value.column == "a1"


# ---------------------------------------------------------------- ReproSchema


def test_a_reproschema_activity_becomes_an_instrument() -> None:
    garden = instrument_from_reproschema(GARDEN_RS)
    assert garden.id == "garden_check"
    assert garden.title == "Garden check (made-up test instrument)"
    assert_garden(garden)


def test_reproschema_and_redcap_versions_of_the_same_instrument_agree() -> None:
    from_redcap = instrument_from_redcap(GARDEN_CSV)
    from_reproschema = instrument_from_reproschema(GARDEN_RS)
    assert from_redcap.items == from_reproschema.items
    assert from_redcap.subscales == from_reproschema.subscales


def test_reproschema_wording_installs_into_a_shipped_key_in_a_chosen_language() -> None:
    ecr_rs = get_instrument("ecr-rs")
    english = apply_wording(ecr_rs, wording_from_reproschema(ECR_RS_RS, ecr_rs))
    wording = english.item("q9").wording
    assert wording is not None
    assert wording.startswith("Made-up statement nine")
    french = wording_from_reproschema(ECR_RS_RS, ecr_rs, language="fr")
    assert french.language == "fr"
    assert french.items[0].text == "Phrase inventée 1"


def copy_garden(tmp_path: Path) -> Path:
    target = tmp_path / "garden_check"
    shutil.copytree(GARDEN_RS.parent, target)
    return target


def edit_item(folder: Path, name: str, change: dict[str, object]) -> None:
    path = folder / "items" / f"{name}.jsonld"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_reproschema_choice_that_is_not_a_number_is_refused_naming_the_field(
    tmp_path: Path,
) -> None:
    folder = copy_garden(tmp_path)
    edit_item(
        folder,
        "gc_weeds",
        {
            "responseOptions": {
                "choices": [{"name": "Low", "value": 1}, {"name": "High", "value": "lots"}]
            }
        },
    )
    with pytest.raises(ImportFileError) as caught:
        instrument_from_reproschema(folder / "garden_check_schema.jsonld")
    assert caught.value.file == "items/gc_weeds.jsonld"
    assert caught.value.column == "responseOptions.choices[1].value"


def test_a_reproschema_item_without_a_question_is_refused(tmp_path: Path) -> None:
    folder = copy_garden(tmp_path)
    edit_item(folder, "gc_bench", {"question": {"de": "Erfunden?", "fr": "Inventé ?"}})
    with pytest.raises(ImportFileError) as caught:
        instrument_from_reproschema(folder / "garden_check_schema.jsonld")
    assert caught.value.column == "question"
    assert "item 4 of the activity" in str(caught.value)


def test_a_missing_reproschema_item_file_is_refused_naming_its_place_in_the_order(
    tmp_path: Path,
) -> None:
    folder = copy_garden(tmp_path)
    (folder / "items" / "gc_forget.jsonld").unlink()
    with pytest.raises(ImportFileError) as caught:
        instrument_from_reproschema(folder / "garden_check_schema.jsonld")
    assert caught.value.file == "garden_check_schema.jsonld"
    assert caught.value.column == "ui.order[2]"


def test_broken_json_is_refused_with_its_line(tmp_path: Path) -> None:
    folder = copy_garden(tmp_path)
    (folder / "items" / "gc_water.jsonld").write_text(
        '{\n  "question": "x",\n  oops\n}', encoding="utf-8"
    )
    with pytest.raises(ImportFileError) as caught:
        instrument_from_reproschema(folder / "garden_check_schema.jsonld")
    assert caught.value.file == "items/gc_water.jsonld"
    assert caught.value.line == 3


def test_a_file_that_is_not_an_activity_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "item.jsonld"
    path.write_text(json.dumps({"@type": "reproschema:Field", "question": "x"}), encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        instrument_from_reproschema(path)
    assert caught.value.column == "@type"


def test_import_file_picks_the_importer_by_file_kind(tmp_path: Path) -> None:
    assert isinstance(import_file(GARDEN_CSV), InstrumentSpec)
    assert isinstance(import_file(GARDEN_RS), InstrumentSpec)
    assert isinstance(import_file(ECR_RS_CSV, into=get_instrument("ecr-rs")), WordingPack)
    assert isinstance(import_file(ECR_RS_RS, into=get_instrument("ecr-rs")), WordingPack)
    other = tmp_path / "items.xlsx"
    other.write_bytes(b"")
    with pytest.raises(ImportFileError, match="neither a REDCap data dictionary"):
        import_file(other)
