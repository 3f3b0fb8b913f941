"""Hostile inputs, second round (issue 21): one input never stops the run, the cache deletes only its own
entries, no article is lost behind a failed duplicate, file names cannot pass for record keys."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.__main__ import main

DATE = "2024-03-04T10:00:00+07:00"
BODY = ("Menteri Luar Negeri Indonesia bertemu Menteri Luar Negeri Malaysia di Jakarta pada hari Senin untuk "
        "membahas kerja sama perbatasan kedua negara. Pertemuan itu berlangsung hangat dan kedua menteri sepakat "
        "memperkuat patroli bersama di perairan Selat Malaka.")
TEXT = f"Kedua menteri bertemu di Jakarta\n\n{BODY}"


def cli(folder: Path, out: Path, *extra: str) -> list[str]:
    return ["run", str(folder), "--out", str(out), "--no-ner", "--quiet", "--workers", "1", *extra]


def read(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


def by_path(out: Path, name: str) -> dict[str, dict]:
    return {row["source_path"]: row for row in read(out, name)}


def jsonl(path: Path, *records: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def html_page(head: str = "", body_extra: str = "", title: str = "Kedua menteri bertemu di Jakarta") -> str:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in BODY.split(". "))
    return (f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>{body_extra}"
            f"{paragraphs}</article></body></html>")


def json_ld(date: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{date}"}}</script>'


# ---------------------------------------------------------------- item 1: an impossible date is no date

IMPOSSIBLE = ["0001-01-01", "0001-01-01T00:00:00", "0001-01-01T00:00:00+07:00", "0001-01-01T00:00:00Z",
              "9999-12-31T23:59:59-12:00", "1750-06-01T10:00:00+07:00"]


@pytest.mark.parametrize("value", IMPOSSIBLE)
def test_an_impossible_date_leaves_the_article_undated_and_the_run_whole(tmp_path, value):
    folder, out = tmp_path / "in", tmp_path / "out"
    jsonl(folder / "a.jsonl", {"date": value, "text": TEXT}, {"date": DATE, "text": TEXT + " Lagi."})
    (folder / "ld.html").write_text(html_page(json_ld(value), title="Menteri bertemu lagi"), encoding="utf-8")
    (folder / "time.html").write_text(html_page(body_extra=f'<time datetime="{value}">hari itu</time>',
                                                title="Menteri bertemu sekali lagi"), encoding="utf-8")
    assert main(cli(folder, out)) == 0
    assert read(out, "errors") == []
    articles = by_path(out, "articles")
    assert len(articles) == 4
    for path in ("a.jsonl#0", "ld.html", "time.html"):
        row = articles[path]
        assert (row["published_at"], row["date_source"], row["date_text"]) == (None, "out-of-range", value), path
    assert articles["a.jsonl#1"]["published_at"].year == 2024
    assert all(e["date_start"].year >= 1800 for e in read(out, "events"))


def test_a_date_line_before_1800_is_no_date_but_one_inside_the_range_is(compiled):
    from pipeline.annotate import metadata

    dates = compiled.metadata.dates
    assert metadata.parse_page_date("Senin, 1 Januari 1753 10:00 WIB", None, dates) is None
    assert metadata.parse_page_date("Rabu, 1 Januari 1800 10:00 WIB", None, dates).year == 1800
    assert metadata.parse_machine_date("Mon, 01 Jan 1753 10:00:00 +0700", dates) is None
    assert metadata.infer_date("Ia tiba Senin (1/1/1753).", dates) is None


def test_the_range_of_years_is_data(compiled):
    from dataclasses import replace

    from pipeline.annotate import metadata

    narrow = replace(compiled.metadata.dates, years=(2000, 2030))
    assert metadata.parse_machine_date("1999-12-31T10:00:00+07:00", narrow) is None
    assert metadata.parse_machine_date("1999-12-31T10:00:00+07:00", compiled.metadata.dates) is not None


# ---------------------------------------------------------------- item 12: WIB, WITA and WIT are fixed offsets

@pytest.mark.parametrize("line, expected", [
    ("Jumat, 1 Januari 1960 12:00 WIB", "1960-01-01T12:00:00+07:00"),
    ("Kamis, 16 Agustus 1945 12:00 WIB", "1945-08-16T12:00:00+07:00"),
    ("Kamis, 16 Agustus 1945 12:00 WITA", "1945-08-16T11:00:00+07:00"),
    ("Kamis, 16 Agustus 1945 12:00 WIT", "1945-08-16T10:00:00+07:00"),
])
def test_wib_wita_wit_are_fixed_offsets_in_any_year(compiled, line, expected):
    from pipeline.annotate import metadata

    assert metadata.parse_page_date(line, None, compiled.metadata.dates).isoformat() == expected


@pytest.mark.parametrize("value, expected", [
    ("1960-01-01T12:00:00+07:00", "1960-01-01T12:00:00+07:00"),
    ("1900-01-01T00:00:00+07:00", "1900-01-01T00:00:00+07:00"),
    ("1900-01-01T00:00:00", "1900-01-01T00:00:00+07:00"),              # no zone: WIB
    ("1960-01-01T05:00:00Z", "1960-01-01T12:00:00+07:00"),
])
def test_an_old_date_keeps_its_offset_in_csv_and_parquet(tmp_path, value, expected):
    import pandas as pd

    folder, out = tmp_path / "in", tmp_path / "out"
    jsonl(folder / "old.jsonl", {"date": value, "text": TEXT}, {"date": DATE, "text": TEXT + " Lagi."})
    assert main(cli(folder, out)) == 0
    csv_rows = pd.read_csv(out / "articles.csv", parse_dates=["published_at"], keep_default_na=False)
    assert str(csv_rows["published_at"].dtype).endswith(", UTC+07:00]")       # a datetime column, not text
    assert csv_rows["published_at"][0].isoformat() == expected
    assert by_path(out, "articles")["old.jsonl#0"]["published_at"].isoformat() == expected
    assert main(["validate", str(out)]) == 0


def test_frictionless_finds_an_old_date_valid(tmp_path):
    frictionless = pytest.importorskip("frictionless")
    folder, out = tmp_path / "in", tmp_path / "out"
    jsonl(folder / "old.jsonl", {"date": "1900-01-01T00:00:00+07:00", "text": TEXT})
    assert main(cli(folder, out)) == 0
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
