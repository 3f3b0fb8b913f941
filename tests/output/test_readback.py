"""Every table reads back with pandas, pyarrow and DuckDB with its declared types, and the keys join."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from outputs_sample import (SAMPLE_INPUTS, SAMPLE_PROBLEMS, WIB, article, orphans, parquet, sample_articles,
                            write_sample_outputs)
from pipeline.output import partition
from pipeline.output import schema
from pipeline.output import tables
from pipeline.settings import OutputOptions


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return write_sample_outputs(tmp_path_factory.mktemp("out"), partition_by_year=True)


def test_pyarrow_reads_every_table_with_its_declared_schema(out):
    for table in schema.TABLES:
        read = pq.read_table(parquet(out, table.name))
        assert read.schema.remove_metadata() == table.arrow_schema, table.name


def test_pandas_gets_aware_timestamps_dates_and_categoricals(out):
    articles = pd.read_parquet(parquet(out, "articles")).set_index("article_id")
    assert str(articles["published_at"].dtype) == "datetime64[ms, Asia/Jakarta]"
    assert articles.loc["a1", "published_at"] == pd.Timestamp("2020-11-11 11:40", tz="Asia/Jakarta")
    events = pd.read_parquet(parquet(out, "events"))
    assert all(type(d) is date for d in events["date_start"])
    for table in schema.TABLES:
        frame = pd.read_parquet(parquet(out, table.name))
        categorical = [c.name for c in table.columns if c.type == schema.CATEGORY]
        assert all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in categorical), table.name
        assert len(frame) == pq.read_metadata(parquet(out, table.name)).num_rows


def test_duckdb_reads_the_same_instants_and_types(out):
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{parquet(out, 'event_mentions')}')").fetchall()
    types = {row[0]: row[1] for row in described}
    assert (types["date_start"], types["confidence"], types["date_approximate"]) == ("DATE", "DOUBLE", "BOOLEAN")
    published = duckdb.sql(f"SELECT typeof(published_at), published_at AT TIME ZONE 'Asia/Jakarta' "
                           f"FROM read_parquet('{parquet(out, 'articles')}') ORDER BY article_id").fetchall()
    assert published[0] == ("TIMESTAMP WITH TIME ZONE", datetime(2020, 11, 11, 11, 40))
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{parquet(out, 'events')}') "
                      "WHERE event_type = 'MEETING' AND year(date_start) = 2020").fetchall() == [(3,)]


def test_keys_join_without_orphans(out):
    assert set(orphans(out).values()) == {0}
    for table in schema.TABLES:
        key = ", ".join(f'"{c}"' for c in table.primary_key)
        duplicated = duckdb.sql(f"SELECT {key} FROM read_parquet('{parquet(out, table.name)}') "
                                f"GROUP BY ALL HAVING count(*) > 1").fetchall()
        assert duplicated == [], table.name


def test_an_orphan_is_found(tmp_path):
    built = tables.build_tables(sample_articles(), SAMPLE_PROBLEMS, SAMPLE_INPUTS)
    built["articles"] = built["articles"].filter(pc.not_equal(built["articles"]["article_id"], "a4"))
    mentions = built["event_mentions"]
    built["event_mentions"] = mentions.filter(pc.not_equal(mentions["mention_id"], "a1-e1"))
    built["events"] = built["events"].filter(pc.not_equal(built["events"]["first_mention_id"], "a2-e1"))
    tables.write_tables(built, tmp_path)
    found = {key: n for key, n in orphans(tmp_path).items() if n}
    assert found == {("mentions", "article_id"): 2, ("entities", "article_id"): 2,
                     ("event_mentions", "article_id"): 1, ("event_mentions", "event_id"): 1,
                     ("event_evidence", "mention_id"): 1, ("mention_participants", "mention_id"): 2,
                     ("mention_participants", "article_id"): 2, ("event_participants", "event_id"): 2}


def test_pandas_joins_participants_to_events_and_articles(out):
    participants = pd.read_parquet(parquet(out, "mention_participants"))
    events = pd.read_parquet(parquet(out, "event_mentions"), columns=["mention_id", "event_id", "event_type"])
    articles = pd.read_parquet(parquet(out, "articles"), columns=["article_id", "site"])
    joined = participants.merge(events, on="mention_id", how="left", indicator=True, validate="many_to_one")
    assert (joined["_merge"] == "both").all()
    across = pd.read_parquet(parquet(out, "events"), columns=["event_id"])
    assert joined.merge(across, on="event_id", validate="many_to_one").shape[0] == len(participants)
    joined = joined.drop(columns="_merge").merge(articles, on="article_id", how="left", indicator=True)
    assert (joined["_merge"] == "both").all() and len(joined) == len(participants)


def test_csv_reads_back_with_the_same_rows(out, tmp_path):
    bom = write_sample_outputs(tmp_path, csv_bom=True)
    for table in schema.TABLES:
        plain = pd.read_csv(out / f"{table.name}.csv", dtype=str, keep_default_na=False)
        assert list(plain.columns) == table.column_names
        with_bom = pd.read_csv(bom / f"{table.name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        assert with_bom.equals(plain), table.name
    events = pd.read_csv(out / "event_mentions.csv", parse_dates=["date_start"])
    assert events["date_start"].dt.year.tolist() == [2020, 2020, 2020, 2020, 2023, 2023, 2023, 2024]
    articles = pd.read_csv(out / "articles.csv", index_col="article_id")
    published = pd.to_datetime(articles["published_at"]).dt.tz_convert("Asia/Jakarta")
    assert published["a2"] == pd.Timestamp("2021-01-01 03:00", tz="Asia/Jakarta")


def test_partitioned_copy_holds_the_same_rows_by_wib_year(out):
    for name in ("articles", "mentions", "event_mentions", "mention_participants"):
        flat = pq.read_table(parquet(out, name))
        split = ds.dataset(out / "by_year" / name, format="parquet", partitioning="hive").to_table()
        assert split.num_rows == flat.num_rows, name
        assert sorted(map(repr, split.drop_columns(["year"]).to_pylist())) == sorted(map(repr, flat.to_pylist()))
    years = duckdb.sql(f"SELECT article_id, year FROM read_parquet('{out}/by_year/articles/*/*.parquet', "
                       "hive_partitioning = true) ORDER BY article_id").fetchall()
    # a2 was published 2021-01-01 03:00 WIB, still 2020 in UTC: the folder follows WIB
    assert years == [("a1", 2020), ("a2", 2021), ("a3", 2023), ("a4", 2024)]
    assert not (out / "by_year" / "inputs").exists() and not (out / "by_year" / "events").exists()


def test_undated_articles_get_a_null_year_and_reruns_replace_the_copy(tmp_path):
    undated = article("u1", "generic/u1.txt", "generic", None, ())
    built = tables.build_tables([undated], [], [])
    (tmp_path / "by_year" / "articles" / "year=1999").mkdir(parents=True)    # stale, from an earlier run
    tables.write_tables(built, tmp_path, OutputOptions(partition_by_year=True))
    assert [p.name for p in (tmp_path / "by_year" / "articles").iterdir()] == ["year=__HIVE_DEFAULT_PARTITION__"]
    read = ds.dataset(tmp_path / "by_year" / "articles", format="parquet",
                      partitioning=partition.PARTITIONING).to_table()
    assert read["year"].to_pylist() == [None]
    assert duckdb.sql(f"SELECT year FROM read_parquet('{tmp_path}/by_year/articles/*/*.parquet', "
                      "hive_partitioning = true)").fetchall() == [(None,)]
    tables.write_tables(built, tmp_path)
    assert not (tmp_path / "by_year").exists()
    assert not list(tmp_path.glob(".by_year*"))


def test_partition_years_are_wib_years():
    articles = pa.table({"article_id": ["x", "y"],
                         "published_at": pa.array([datetime(2021, 1, 1, 0, 30, tzinfo=WIB), None],
                                                  type=schema.TIMESTAMP_WIB)})
    assert partition.publication_years(articles) == {"x": 2021, "y": None}
