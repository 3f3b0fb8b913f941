"""The README's 'From Python' and 'Using the outputs' examples, run as written (code blocks read from README.md)
on a sample folder: two seed pages in pages/, the hand-made sample tables in outputs/."""
from __future__ import annotations

from datetime import date

import pytest

from outputs_sample import README, readme_examples, write_sample_outputs
from tests.paths import CORPUS_DIR, copy_seeds

SEEDS = sorted(CORPUS_DIR.glob("00[0-1]_*.txt"))


@pytest.fixture(scope="module")
def namespace(tmp_path_factory) -> dict:
    """Every example run in order, in one namespace, from a folder holding ``outputs/``."""
    folder = tmp_path_factory.mktemp("project")
    write_sample_outputs(folder / "outputs", partition_by_year=True)
    copy_seeds(folder / "pages", "00[0-1]_*.txt")
    names: dict = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for code in readme_examples():
            exec(compile(code, str(README), "exec"), names)  # noqa: S102 - the README's own examples
    return names


def test_readme_has_the_examples():
    assert len(readme_examples()) == 7


def test_the_notebook_example_processes_writes_loads_and_validates(namespace):
    result, tables = namespace["result"], namespace["tables"]
    assert result.count("processed") == len(SEEDS) == 2
    assert len(namespace["meetings"]) >= 1 and set(namespace["meetings"]["event_type"]) == {"MEETING"}
    assert namespace["problems"] == []


def test_the_loaded_tables_keep_their_types(namespace):
    dtypes = namespace["typed_mentions"].dtypes
    assert str(dtypes["cameo_code"]) == "category" and dtypes["status_cue_start"] == "Int32"
    assert str(dtypes["date_start"]).startswith("datetime64") and dtypes["confidence"] == "float64"


def test_the_csv_read_with_dtypes_keeps_codes_as_text(namespace):
    assert namespace["csv_events"]["cameo_code"].tolist() == ["043"] * 8


def test_meetings_per_year_with_pandas(namespace):
    assert namespace["meetings_per_year"].to_dict() == {2020: 3, 2023: 1}


def test_which_countries_joined_which_organisations_when(namespace):
    rows = namespace["accessions"][["country", "code", "organisation", "stage", "status", "date", "articles"]]
    assert [(*row[:5], row[5].date(), row[6]) for row in rows.values.tolist()] == [
        ("Iran", "IRN", "SCO", "observer", "happened", date(2020, 11, 10), 1),
        ("Iran", "IRN", "SCO", "member", "happened", date(2023, 7, 4), 1),
        ("Belarus", "BLR", "SCO", "member", "happened", date(2024, 7, 4), 1)]


def test_people_who_met_most_often(namespace):
    assert namespace["met"].values.tolist() == [
        ["Vladimir Putin", "Xi Jinping", 3, 3], ["Sergey Lavrov", "Vladimir Putin", 1, 1],
        ["Sergey Lavrov", "Wang Yi", 1, 1], ["Sergey Lavrov", "Xi Jinping", 1, 1]]


def test_year_partitions_are_queried_by_year(namespace):
    assert namespace["recent"].values.tolist() == [[2023, "ACCESSION", 1], [2023, "ARMS_DEAL", 1],
                                                   [2023, "MEETING", 1], [2024, "ACCESSION", 1]]
