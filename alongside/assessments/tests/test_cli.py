"""`alongside instruments list | check FILE | import FILE | set-reliable-change`: help on
each, what gets stored, and clear one-line errors with a non-zero exit (no traceback)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from alongside.assessments.models import (
    InstalledInstrument,
    InstalledWording,
    ReliableChangeFigures,
    instrument,
)
from alongside.assessments.tests.conftest import ECR_RS_CSV, FIXTURES, TEST_FIGURES
from alongside.cli import cli

REPROSCHEMA_ECR_RS = FIXTURES / "reproschema" / "ecr_rs_local" / "ecr_rs_local_schema.jsonld"
GARDEN_CSV = FIXTURES / "redcap_garden_check.csv"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["instruments", *map(str, args)])


def failed(result: Result) -> str:
    """The error a person sees; the command must fail cleanly, without a traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.output


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ([], ["list", "check", "import", "set-reliable-change", "--into"]),
        (["list"], ["wording"]),
        (["check"], ["--into", "--form", "--language", "without storing"]),
        (["import"], ["--into", "--by", "reliable-change figures"]),
        (["set-reliable-change"], ["--sd", "--reliability", "--citation", "--clear"]),
    ],
)
def test_every_command_explains_itself(command: list[str], words: list[str]) -> None:
    for flag in ("--help", "-h"):
        result = run(*command, flag)
        assert result.exit_code == 0, result.output
        for word in words:
            assert word in result.output


def test_the_main_command_lists_instruments() -> None:
    assert "instruments" in CliRunner().invoke(cli, ["--help"]).output


def test_list_shows_wording_and_figures(db: None) -> None:
    lines = {line.split()[0]: line for line in run("list").output.splitlines()[1:]}
    assert "NOT INSTALLED" in lines["ecr-rs"]
    assert "shipped" in lines["alongside-closeness"]
    run("import", ECR_RS_CSV, "--into", "ecr-rs", "--by", "Sam at the clinic")
    run("import", TEST_FIGURES)
    lines = {line.split()[0]: line for line in run("list").output.splitlines()[1:]}
    assert "by Sam at the clinic" in lines["ecr-rs"]
    assert lines["ecr-rs"].rstrip().endswith("anxiety, avoidance")


def test_check_reads_the_file_and_stores_nothing(db: None) -> None:
    result = run("check", ECR_RS_CSV, "--into", "ecr-rs")
    assert result.exit_code == 0, result.output
    assert "wording for ECR-RS (ecr-rs): 9 items" in result.output
    assert not InstalledWording.objects.exists()


def test_import_installs_redcap_wording_for_a_shipped_key(db: None) -> None:
    result = run("import", ECR_RS_CSV, "--into", "ecr-rs", "--by", "tests")
    assert result.exit_code == 0, result.output
    row = InstalledWording.objects.get()
    assert (row.instrument_id, row.imported_by, row.source) == (
        "ecr-rs",
        "tests",
        "redcap_ecr_rs_wording.csv",
    )
    spec = instrument("ecr-rs")
    assert spec.wording_installed
    assert "neighbour's cat" in (spec.item("q9").wording or "")


def test_import_installs_reproschema_wording_in_a_chosen_language(db: None) -> None:
    result = run("import", REPROSCHEMA_ECR_RS, "--into", "ecr-rs", "--language", "fr")
    assert result.exit_code == 0, result.output
    assert instrument("ecr-rs").item("q1").wording == "Phrase inventée 1"


def test_importing_again_replaces_the_wording(db: None) -> None:
    run("import", ECR_RS_CSV, "--into", "ecr-rs")
    run("import", REPROSCHEMA_ECR_RS, "--into", "ecr-rs", "--language", "fr")
    assert InstalledWording.objects.count() == 1
    assert instrument("ecr-rs").item("q1").wording == "Phrase inventée 1"


def test_import_installs_a_whole_instrument(db: None) -> None:
    result = run("import", GARDEN_CSV)
    assert result.exit_code == 0, result.output
    assert "instrument garden_check" in result.output
    spec = instrument("garden_check")
    assert spec.kind == "imported" and len(spec.items) == 5
    assert InstalledInstrument.objects.get().source == "redcap_garden_check.csv"


def test_import_installs_a_yaml_instrument_with_its_labels(db: None) -> None:
    result = run("import", FIXTURES / "made_up_with_norms.yaml")
    assert result.exit_code == 0, result.output
    spec = instrument("tea-time")
    assert spec.item("kettle").scale.label_for(5) == "Always"
    assert spec.subscale("teatime").norms[0].mean == 9


def test_import_installs_reliable_change_figures(db: None) -> None:
    result = run("import", TEST_FIGURES)
    assert result.exit_code == 0, result.output
    assert "SD 1, test-retest reliability 0.8" in result.output
    params = instrument("ecr-rs").subscale("avoidance").reliable_change
    assert params is not None and params.sd == 1.0
    assert "TEST FIGURES ONLY" in params.sources[0].citation


def test_set_reliable_change_stores_and_clears_cited_figures(db: None) -> None:
    result = run(
        "set-reliable-change",
        "ecr-rs",
        "anxiety",
        "--sd",
        "1.2",
        "--reliability",
        ".7",
        "--citation",
        "TEST FIGURES ONLY (made up for this test)",
    )
    assert result.exit_code == 0, result.output
    row = ReliableChangeFigures.objects.get()
    assert (row.subscale_id, row.sd, row.reliability, row.reliability_kind) == (
        "anxiety",
        1.2,
        0.7,
        "test-retest",
    )
    assert run("set-reliable-change", "ecr-rs", "anxiety", "--clear").exit_code == 0
    assert not ReliableChangeFigures.objects.exists()
    assert "no figures stored" in failed(run("set-reliable-change", "ecr-rs", "anxiety", "--clear"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sd", "1", "--reliability", "1.5", "--citation", "x"], "reliable_change.reliability"),
        (["--sd", "0", "--reliability", ".8", "--citation", "x"], "reliable_change.sd"),
        (["--sd", "1", "--reliability", ".8", "--citation", "  "], "citation"),
    ],
)
def test_set_reliable_change_refuses_bad_figures(db: None, args: list[str], message: str) -> None:
    assert message in failed(run("set-reliable-change", "ecr-rs", "anxiety", *args))
    assert not ReliableChangeFigures.objects.exists()


def test_set_reliable_change_names_an_unknown_subscale(db: None) -> None:
    output = failed(
        run(
            "set-reliable-change",
            "ecr-rs",
            "worry",
            "--sd",
            "1",
            "--reliability",
            ".8",
            "--citation",
            "x",
        )
    )
    assert "no subscale 'worry'" in output


def test_set_reliable_change_needs_its_figures(db: None) -> None:
    result = run("set-reliable-change", "ecr-rs", "anxiety", "--sd", "1")
    assert result.exit_code == 2
    assert "missing --reliability, --citation" in result.output


def test_a_file_that_does_not_fit_names_the_row_and_field(db: None) -> None:
    output = failed(run("import", ECR_RS_CSV, "--into", "ecr-r"))
    assert "redcap_ecr_rs_wording.csv, line 11, field 'rs_9'" in output
    assert "ECR-R has 36 items" in output
    assert not InstalledWording.objects.exists()


def test_a_broken_redcap_row_is_named(tmp_path: Path, db: None) -> None:
    broken = tmp_path / "broken.csv"
    text = ECR_RS_CSV.read_text(encoding="utf-8").replace("3, A bit not", "three, A bit not", 1)
    broken.write_text(text, encoding="utf-8")
    output = failed(run("check", broken, "--into", "ecr-rs"))
    assert "broken.csv, line 3, field 'Choices, Calculations, OR Slider Labels'" in output


def test_a_whole_instrument_may_not_take_a_shipped_id(tmp_path: Path, db: None) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(FIXTURES / "reproschema" / "ecr_rs_local", copy)
    schema = copy / "ecr_rs_local_schema.jsonld"
    schema.write_text(
        schema.read_text(encoding="utf-8").replace('"ecr_rs_local_schema"', '"ecr-rs"'),
        encoding="utf-8",
    )
    output = failed(run("import", schema))
    assert "is a shipped scoring key" in output and "--into ecr-rs" in output


def test_an_unknown_target_lists_the_shipped_keys(db: None) -> None:
    output = failed(run("import", ECR_RS_CSV, "--into", "ecr-xx"))
    assert "--into: there is no instrument 'ecr-xx'" in output
    assert "ecr-rs" in output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reliable_change: []", "field 'reliable_change': must be a list of figures"),
        (
            "reliable_change:\n  - {instrument: ecr-rs, subscale: anxiety, sd: 1, reliability: .8,"
            " reliability_kind: alpha}",
            "field 'reliable_change[0].sources'",
        ),
        (
            "reliable_change:\n  - {instrument: nope, subscale: anxiety, sd: 1, reliability: .8,"
            " reliability_kind: alpha, sources: [{citation: x}]}",
            "field 'reliable_change[0].instrument'",
        ),
        (
            "reliable_change:\n  - {instrument: ecr-rs, subscale: anxiety, sd: -1, reliability: .8,"
            " reliability_kind: alpha, sources: [{citation: x}]}",
            "field 'reliable_change[0].sd': must be greater than 0",
        ),
        (
            "reliable_change:\n  - {instrument: ecr-rs, subscale: calm, sd: 1, reliability: .8,"
            " reliability_kind: alpha, sources: [{citation: x}]}",
            "field 'reliable_change[0].subscale'",
        ),
        ("id: [unclosed", "figures.yaml, line 1"),
        ("just text", "must be a mapping"),
        ("id: tea\nversion: 1\ntitle: T\nkind: imported\n", "  about: must be a mapping"),
    ],
)
def test_a_bad_yaml_file_is_named(tmp_path: Path, db: None, text: str, message: str) -> None:
    file = tmp_path / "figures.yaml"
    file.write_text(text, encoding="utf-8")
    assert message in failed(run("import", file))
    assert not ReliableChangeFigures.objects.exists()
    assert not InstalledInstrument.objects.exists()


def test_a_missing_file_is_a_usage_error() -> None:
    result = run("import", "/nowhere/dictionary.csv")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_wording_in_the_projects_own_format_can_be_imported(tmp_path: Path, db: None) -> None:
    import yaml

    from alongside.assessments.spec import wording_pack_to_data

    run("import", ECR_RS_CSV, "--into", "ecr-rs")
    pack = InstalledWording.objects.get().to_pack()
    InstalledWording.objects.all().delete()
    file = tmp_path / "wording.yaml"
    file.write_text(yaml.safe_dump(wording_pack_to_data(pack)), encoding="utf-8")
    result = run("import", file)
    assert result.exit_code == 0, result.output
    assert instrument("ecr-rs").wording_installed
    assert "is wording for 'ecr-rs', not 'ras'" in failed(run("import", file, "--into", "ras"))


def test_every_command_is_in_the_docs() -> None:
    from alongside.assessments.cli import instruments

    docs = (FIXTURES.parents[3] / "docs" / "instruments.md").read_text(encoding="utf-8")
    for name, command in instruments.commands.items():
        assert f"alongside instruments {name}" in docs, name
        for param in command.params:
            for option in param.opts:
                if option.startswith("--") and option != "--help":
                    assert option in docs, f"{name} {option}"
