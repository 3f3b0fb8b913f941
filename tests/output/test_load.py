"""pipeline.load: the Parquet tables as pandas frames with schema.py's types; csv_dtypes for the CSV files."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import pipeline
from outputs_sample import write_sample_outputs
from pipeline.output import schema
from pipeline.record import PipelineError


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return write_sample_outputs(tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def tables(out):
    return pipeline.load(out)


def test_every_table_is_loaded_by_name_and_as_an_attribute(tables):
    assert list(tables) == [t.name for t in schema.TABLES]
    assert tables.events is tables["events"] and len(tables.event_mentions) == 8
    assert "event_participants" in dir(tables)
    with pytest.raises(AttributeError, match="no table 'event'"):
        tables.event


def test_codes_stay_strings_and_numbers_keep_their_types(tables):
    events = tables.event_mentions
    assert isinstance(events["cameo_code"].dtype, pd.CategoricalDtype)
    assert set(events["cameo_code"]) == {"043"}
    assert events["confidence"].dtype == "float64" and events["confidence"].iloc[0] == 0.8
    assert events["n_sentences"].dtype == "int32"                     # required: a plain integer
    assert events["status_cue_start"].dtype == "Int32"                # nullable: gaps stay integer, not float
    assert events["status_cue_start"].isna().all()
    assert events["date_approximate"].dtype == bool
    assert tables.articles["language_ok"].dtype == "boolean"


def test_dates_and_timestamps(tables):
    events, articles = tables.events, tables.articles
    assert str(events["date_start"].dtype).startswith("datetime64")
    assert events["date_start"].dt.year.tolist().count(2020) == 4
    published = articles["published_at"]
    assert str(published.dt.tz) == "Asia/Jakarta"
    assert published.iloc[0].isoformat() == "2021-01-01T03:00:00+07:00"       # rows sorted by source_path


def test_some_tables_only(out):
    tables = pipeline.load(out, tables=("events", "event_participants"))
    assert list(tables) == ["events", "event_participants"]


def test_a_folder_without_tables_or_an_unknown_table_is_a_clear_error(tmp_path, out):
    with pytest.raises(PipelineError, match="has no articles.parquet.*idnews-pipeline run"):
        pipeline.load(tmp_path)
    with pytest.raises(PipelineError, match="no table named event;"):
        pipeline.load(out, tables=["event"])


def test_an_older_file_whose_columns_match_is_cast_and_other_columns_are_refused(out, tmp_path):
    old = pq.read_table(out / "event_mentions.parquet")
    index = old.column_names.index("confidence")
    as_float32 = old.set_column(index, "confidence", old["confidence"].cast(pa.float32()))
    pq.write_table(as_float32, tmp_path / "event_mentions.parquet")
    assert pipeline.load(tmp_path, ["event_mentions"]).event_mentions["confidence"].dtype == "float64"
    pq.write_table(old.drop_columns(["plover_type"]), tmp_path / "event_mentions.parquet")
    with pytest.raises(PipelineError, match=r"missing: \['plover_type'\]"):
        pipeline.load(tmp_path, ["event_mentions"])


def test_column_descriptions_travel_in_the_parquet_files(out):
    read = pq.read_schema(out / "event_mentions.parquet")
    assert read.field("cameo_code").metadata[b"description"] == b"CAMEO event code."
    assert read.metadata[b"description"].decode().startswith("One row per article's telling of an event")


def test_csv_dtypes_keep_codes_as_text_where_a_plain_read_csv_turns_them_into_numbers(out):
    plain = pd.read_csv(out / "event_mentions.csv")
    assert plain["cameo_code"].iloc[0] == 43                          # the trap csv_dtypes avoids
    typed = pd.read_csv(out / "event_mentions.csv", dtype=pipeline.csv_dtypes("event_mentions"),
                        keep_default_na=False, na_values=[""], parse_dates=pipeline.csv_date_columns("event_mentions"))
    assert typed["cameo_code"].iloc[0] == "043"
    assert typed["status_cue_start"].dtype == "Int32" and typed["date_approximate"].dtype == "boolean"
    assert pipeline.csv_date_columns("event_mentions") == ["date_start", "date_end"]
    loaded = pipeline.load(out, ["event_mentions"]).event_mentions
    assert typed["mention_id"].tolist() == loaded["mention_id"].tolist()
    assert typed["date_start"].tolist() == loaded["date_start"].tolist()


def test_closed_categories_carry_every_level_of_the_schema_so_two_runs_concatenate(out, tmp_path):
    from pipeline.output.datapackage import allowed_values

    events = pq.read_table(out / "events.parquet")
    types = events.column("event_type").cast(pa.string())
    one_type = events.filter(pc.equal(types, types[0]))
    assert 0 < one_type.num_rows < events.num_rows
    pq.write_table(one_type, tmp_path / "events.parquet")          # another run: one event type in its data
    first, second = pipeline.load(out, ["events"]).events, pipeline.load(tmp_path, ["events"]).events
    assert list(second["event_type"].cat.categories) == list(allowed_values()[("events", "event_type")])
    assert list(first["status"].cat.categories) == list(allowed_values()[("events", "status")])
    assert "cancelled" in first["status"].cat.categories and "cancelled" not in set(first["status"])
    joined = pd.concat([first, second])
    assert joined["event_type"].dtype == first["event_type"].dtype == second["event_type"].dtype
    assert joined["status"].dtype.name == "category" and len(joined) == len(first) + len(second)


def test_a_value_the_schema_does_not_list_is_kept_not_lost(out, tmp_path):
    table = pq.read_table(out / "inputs.parquet")
    odd = table.set_column(table.column_names.index("status"), "status",
                           pa.array(["from-a-newer-version"] * table.num_rows).dictionary_encode()
                           .cast(table.schema.field("status").type))
    pq.write_table(odd, tmp_path / "inputs.parquet")
    status = pipeline.load(tmp_path, ["inputs"]).inputs["status"]
    assert set(status) == {"from-a-newer-version"} and "duplicate" in status.cat.categories


def test_an_empty_text_column_keeps_the_text_dtype(out, tmp_path):
    errors = pq.read_table(out / "errors.parquet")
    pq.write_table(errors.slice(0, 0), tmp_path / "errors.parquet")
    empty, full = pipeline.load(tmp_path, ["errors"]).errors, pipeline.load(out, ["errors"]).errors
    assert len(empty) == 0 and empty["article_id"].dtype == full["source_path"].dtype
    assert empty["article_id"].dtype != object or full["source_path"].dtype == object
    assert pd.concat([empty, full])["article_id"].dtype == full["source_path"].dtype
