"""Hostile inputs, second round (issue 21): one input never stops the run, the cache deletes only its own
entries, no article is lost behind a failed duplicate, file names cannot pass for record keys."""
from __future__ import annotations

import json
from datetime import date
import os
import subprocess
from pathlib import Path

import pyarrow as pa
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


# ---------------------------------------------------------------- item 2: the cache deletes only its own entries

def one_article(folder: Path) -> Path:
    return jsonl(folder / "a.jsonl", {"date": DATE, "text": TEXT}).parent


def test_a_cache_folder_holding_other_files_is_refused_and_left_as_it_was(tmp_path, capsys):
    project = tmp_path / "proj"
    (project / "models" / "v1").mkdir(parents=True)
    (project / "data" / "raw").mkdir(parents=True)
    (project / "models" / "v1" / "model.pkl").write_bytes(b"x")
    (project / "data" / "raw" / "download.tmp").write_bytes(b"x")
    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    folder = one_article(tmp_path / "in")
    assert main(cli(folder, tmp_path / "out", "--cache-dir", str(project))) == 2
    assert "holds files this pipeline did not write (data, models)" in capsys.readouterr().err
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")) == before


def test_the_input_folder_cannot_be_the_cache(tmp_path, capsys):
    folder = one_article(tmp_path / "in")
    for cache in (folder, tmp_path):
        assert main(cli(folder, tmp_path / "out", "--cache-dir", str(cache))) == 2
        assert "holds the input folder" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["a.jsonl"]


def test_prune_deletes_only_entries_of_the_caches_own_layout(tmp_path):
    folder, cache = one_article(tmp_path / "in"), tmp_path / "cache"
    assert main(cli(folder, tmp_path / "out", "--cache-dir", str(cache))) == 0
    assert (cache / "CACHEDIR.TAG").read_bytes().startswith(b"Signature: 8a477f597d28d172789f06886806bc55")
    entry = next((cache / "events").rglob("*.pkl"))
    strangers = [entry.parent / "notes.pkl", entry.parent / "draft.tmp", cache / "events" / "keep.pkl",
                 cache / "mine" / "ab" / "x.0123456789abcdef0123456789abcdef.pkl"]
    for path in strangers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"not the cache's")
    stale = entry.with_name("0000000000000000.0123456789abcdef0123456789abcdef.pkl")
    stale.write_bytes(b"an entry no run uses")
    # --force: a run with nothing changed takes the quick path, which neither reads nor prunes the cache
    assert main(cli(folder, tmp_path / "out", "--cache-dir", str(cache), "--force")) == 0
    assert all(path.read_bytes() == b"not the cache's" for path in strangers)
    assert not stale.exists() and entry.exists()


def test_a_cache_of_an_earlier_version_without_the_tag_is_adopted(tmp_path):
    folder, out = one_article(tmp_path / "in"), tmp_path / "out"
    assert main(cli(folder, out)) == 0
    (out / ".cache" / "CACHEDIR.TAG").unlink()
    assert main(cli(folder, out, "--force")) == 0
    assert (out / ".cache" / "CACHEDIR.TAG").is_file()


# ---------------------------------------------------------------- items 3 and 7: file names as the tables name them

def test_a_file_name_that_is_not_utf8_gets_an_escaped_row_and_is_read(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    raw = bytes(folder) + b"/caf\xe9.txt"
    with open(raw, "w", encoding="utf-8") as page:
        page.write(TEXT)
    (folder / "other.txt").write_text(TEXT.replace("Senin", "Selasa"), encoding="utf-8")
    os.symlink(b"nowh\xe9re.txt", bytes(folder) + b"/dangling.txt")
    with open(bytes(folder) + b"/page.t\xe9t", "w", encoding="utf-8") as page:
        page.write(TEXT)
    assert main(cli(folder, out)) == 0
    statuses = {path: row["status"] for path, row in by_path(out, "inputs").items()}
    assert statuses == {"caf%E9.txt": "processed", "other.txt": "processed", "dangling.txt": "error",
                        "page.t%E9t": "error"}
    messages = {path: row["message"] for path, row in by_path(out, "errors").items()}
    assert "nowh\\xe9re.txt" in messages["dangling.txt"] and "'.t\\xe9t'" in messages["page.t%E9t"]
    assert by_path(out, "articles")["caf%E9.txt"]["body"] == BODY
    assert main(cli(folder, out)) == 0                          # the warm run reads the same name from the cache
    assert main(["validate", str(out)]) == 0


def test_a_file_named_like_a_record_cannot_take_its_row(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    jsonl(folder / "b.jsonl", {"date": DATE, "text": TEXT}, {"date": DATE, "text": TEXT + " Lagi."})
    jsonl(folder / "b.jsonl#1", {"date": DATE, "text": TEXT + " Sekali lagi."})
    (folder / "100%.txt").write_text(TEXT + " Penuh.", encoding="utf-8")
    (folder / "100%25.txt").write_text(TEXT + " Penuh sekali.", encoding="utf-8")
    assert main(cli(folder, out)) == 0
    statuses = {path: row["status"] for path, row in by_path(out, "inputs").items()}
    assert statuses == {"b.jsonl#0": "processed", "b.jsonl#1": "processed", "b.jsonl%231": "error",
                        "100%25.txt": "processed", "100%2525.txt": "processed"}
    assert sorted(by_path(out, "articles")) == ["100%25.txt", "100%2525.txt", "b.jsonl#0", "b.jsonl#1"]
    assert main(["validate", str(out)]) == 0


# ---------------------------------------------------------------- item 6: a duplicate stands in for a failed original

def test_the_article_of_a_failed_first_copy_is_in_the_tables(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    jsonl(folder / "a.jsonl", {"date": "0001-01-01T00:00:00+07:00", "text": TEXT})
    (folder / "b.txt").write_text(TEXT, encoding="utf-8")
    assert main(cli(folder, out)) == 0
    assert len(read(out, "articles")) == 1 and read(out, "errors") == []


def test_a_duplicate_is_processed_in_place_of_an_original_that_fails(tmp_path, monkeypatch):
    from pipeline.annotate import metadata

    add_metadata = metadata.add_metadata

    def fails_for_the_first_two(article, rules):
        if article.page.source_path in ("a.jsonl#0", "b.txt"):
            raise ValueError("this copy cannot be read")
        return add_metadata(article, rules)

    monkeypatch.setattr(metadata, "add_metadata", fails_for_the_first_two)
    folder, out = tmp_path / "in", tmp_path / "out"
    jsonl(folder / "a.jsonl", {"date": DATE, "text": TEXT}, {"date": DATE, "text": TEXT + " Lain."})
    for name in ("b.txt", "c.txt", "d.txt"):
        (folder / name).write_text(TEXT, encoding="utf-8")
    assert main(cli(folder, out)) == 0
    inputs = {path: (row["status"], row["duplicate_of"]) for path, row in by_path(out, "inputs").items()}
    assert inputs == {"a.jsonl#0": ("error", None), "a.jsonl#1": ("processed", None), "b.txt": ("error", None),
                      "c.txt": ("processed", None), "d.txt": ("duplicate", "c.txt")}
    assert sorted(by_path(out, "articles")) == ["a.jsonl#1", "c.txt"]
    assert sorted(by_path(out, "errors")) == ["a.jsonl#0", "b.txt"]
    assert main(["validate", str(out)]) == 0


# ---------------------------------------------------------------- item 5: JSON the pipeline never reads

DEEP = "[" * 100_000 + "]" * 100_000


def test_a_field_never_read_costs_nothing_and_a_deep_record_costs_itself(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    record = {"date": DATE, "text": TEXT}
    lines = [json.dumps({**record, "id": 0}).replace("0}", "7" * 4301 + "}"),
             json.dumps({**record, "text": TEXT + " Dua.", "extra": 0}).replace("0}", DEEP + "}"),
             json.dumps({**record, "text": TEXT + " Tiga.", "score": 1.5e308, "ok": True})]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = [json.dumps({**record, "text": TEXT + " Empat."}), DEEP, json.dumps({**record, "text": TEXT + " Lima."})]
    (folder / "list.json").write_text("[" + ", ".join(items) + "]", encoding="utf-8")
    deep_ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-03-04", '
               f'"x": {DEEP}, "id": {"9" * 5000}}}</script>')
    (folder / "deep.html").write_text(html_page(deep_ld, title="Menteri bertemu lagi"), encoding="utf-8")
    assert main(cli(folder, out)) == 0
    errors = {path: (row["kind"], row["message"]) for path, row in by_path(out, "errors").items()}
    assert set(errors) == {"batch.jsonl#1", "list.json#1"}
    assert all(kind == "invalid-json" and "nested more than 100 levels deep" in message
               for kind, message in errors.values())
    assert sorted(by_path(out, "articles")) == ["batch.jsonl#0", "batch.jsonl#2", "deep.html", "list.json#0",
                                                "list.json#2"]
    assert by_path(out, "articles")["deep.html"]["body"].startswith("Menteri Luar Negeri")


def test_a_number_in_a_field_that_is_read_is_still_refused(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    jsonl(folder / "a.jsonl", {"text": TEXT, "url": 7}, {"text": TEXT, "title": 1.5})
    assert main(cli(folder, out)) == 0
    messages = [row["message"] for row in read(out, "errors")]
    assert len(messages) == 2 and all("must be a string or null, not a number" in m for m in messages)


# ---------------------------------------------------------------- item 4: deep markup

def deep_page(depth: int) -> str:
    """The article's second paragraph ``depth`` elements deep, its last one after them."""
    first, last = BODY.split(". ", 1)
    second = "<p>Presiden Indonesia juga bertemu Perdana Menteri Malaysia di Istana Merdeka pada hari yang sama.</p>"
    return (f"<html><head><title>Kedua menteri bertemu</title></head><body><article><h1>Kedua menteri bertemu</h1>"
            f"<p>{first}.</p>{'<div>' * depth}{second}{'</div>' * depth}<p>{last}</p></article></body></html>")


def test_markup_hundreds_of_levels_deep_is_read_whole(compiled):
    from pipeline.ingest import html_extract

    for depth in (260, 1000, 2000):
        text, _ = html_extract.extract(deep_page(depth), None, compiled.pages)
        assert BODY.split(". ")[-1] in text and "Istana Merdeka" in text, depth


def test_markup_deeper_than_the_parser_reads_is_an_error_that_says_so(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    (folder / "deep.html").write_text(deep_page(2100), encoding="utf-8")
    (folder / "fine.html").write_text(deep_page(300), encoding="utf-8")
    assert main(cli(folder, out)) == 0
    (error,) = read(out, "errors")
    assert (error["source_path"], error["kind"]) == ("deep.html", "too-deep") and "2,047" in error["message"]
    assert "Istana Merdeka" in by_path(out, "articles")["fine.html"]["body"]


# ---------------------------------------------------------------- item 11: the Python API

def test_a_failed_write_keeps_the_result_for_a_retry_and_load_takes_one_name(tmp_path):
    import pipeline
    from pipeline.settings import Settings

    folder = one_article(tmp_path / "in")
    (tmp_path / "a_file").write_text("not a folder", encoding="utf-8")
    result = pipeline.process_folder(folder, Settings(use_ner=False))
    with pytest.raises(OSError):
        pipeline.write_outputs(result, tmp_path / "a_file" / "out")
    assert pipeline.write_outputs(result, tmp_path / "out") is True
    events = pipeline.load(tmp_path / "out", tables="events")
    assert list(events) == ["events"] and len(events.events) == result.n_events > 0
    assert len(read(tmp_path / "out", "articles")) == 1


# ---------------------------------------------------------------- item 9: validate and a tampered package

@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("written")
    assert main(cli(one_article(base / "in"), base / "out")) == 0
    return base / "out"


def tampered(written: Path, tmp_path: Path, edit) -> Path:
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(written, out)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    (out / "datapackage.json").write_text(json.dumps(edit(package, out)), encoding="utf-8")
    return out


def without_events(package: dict, out: Path) -> dict:
    (out / "events.csv").unlink()
    (out / "events.parquet").unlink()
    return {**package, "resources": [r for r in package["resources"] if r["name"] != "events"]}


def without_keys(package: dict, out: Path) -> dict:
    for resource in package["resources"]:
        resource["schema"].pop("foreignKeys", None)
    evidence = pq.read_table(out / "event_evidence.parquet")
    column = evidence.column("mention_id").to_pylist()
    fixed = evidence.set_column(evidence.column_names.index("mention_id"), evidence.schema.field("mention_id"),
                                pa.array(["nowhere"] * len(column), pa.string()))
    pq.write_table(fixed, out / "event_evidence.parquet")
    for resource in package["resources"]:
        if resource["name"] == "event_evidence":
            resource["parquet"].pop("hash", None)
            resource.pop("hash", None)
    return package


def test_a_table_deleted_with_its_resource_is_found(written, tmp_path, capsys):
    assert main(["validate", str(written)]) == 0
    out = tampered(written, tmp_path, without_events)
    assert main(["validate", str(out)]) == 1
    report = capsys.readouterr().out
    assert "events: file: the pipeline writes this table, but datapackage.json does not list it" in report
    assert "event_mentions: foreign-key: event_id: cannot be checked, the events table is missing" in report


def test_a_package_without_its_foreign_keys_is_still_checked_for_them(written, tmp_path, capsys):
    out = tampered(written, tmp_path, without_keys)
    assert main(["validate", str(out)]) == 1
    out_text = capsys.readouterr().out
    assert "event_evidence: foreign-key: mention_id: 1 value(s) with no row in event_mentions.mention_id" in out_text


@pytest.mark.parametrize("package", [{"resources": 5}, [5], {"resources": [5]}, {"resources": [{"name": 5}]},
                                     {"resources": [{"name": "events", "path": "events.csv", "parquet": {"path": 5}}]}])
def test_a_malformed_package_is_exit_2_not_a_traceback(written, tmp_path, capsys, package):
    out = tampered(written, tmp_path, lambda *_: package)
    assert main(["validate", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and "Traceback" not in err


# ---------------------------------------------------------------- item 10: a cached error under a new file name

def test_a_cached_error_names_the_file_as_it_is_called_now(tmp_path):
    folder, out, fresh = tmp_path / "in", tmp_path / "out", tmp_path / "fresh"
    folder.mkdir()
    (folder / "first.txt").write_text("Baca juga: berita lain\n\nIklan\n\nGulir untuk melanjutkan\n", encoding="utf-8")
    assert main(cli(folder, out)) == 0
    (folder / "first.txt").rename(folder / "renamed.txt")
    assert main(cli(folder, out)) == 0
    assert main(cli(folder, fresh, "--no-cache")) == 0
    assert (out / "errors.csv").read_bytes() == (fresh / "errors.csv").read_bytes()
    assert b"first.txt" not in (out / "errors.csv").read_bytes()


def test_a_restored_problem_is_renamed_in_its_message_too():
    from pipeline.engine.cache import restore
    from pipeline.record import Page, Problem

    page = Page("a1", "baru/b.txt", "teks", "utf_8", "txt")
    entry = Problem("lama/a.txt", "events", "internal", "unexpected error in lama/a.txt", "a1")
    assert restore(None, page, entry) == Problem("baru/b.txt", "events", "internal",
                                                 "unexpected error in baru/b.txt", "a1")


# ---------------------------------------------------------------- item 13: the smaller ones

def test_a_declared_charset_that_cannot_be_right_yields_to_detection(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    page = html_page('<meta charset="utf-16">').replace("Kedua menteri", "Kedua menteri “sepakat”").encode("cp1252")
    (folder / "cp1252.html").write_bytes(page + b" " * (len(page) % 2))     # even: it "decodes" as UTF-16
    assert main(cli(folder, out)) == 0
    (article,) = read(out, "articles")
    assert article["encoding"] == "cp1252" and "“sepakat”" in article["title"]


def test_utf32_without_a_byte_order_mark_is_read(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    (folder / "le.txt").write_bytes(TEXT.encode("utf_32_le"))
    (folder / "be.txt").write_bytes((TEXT + " Lagi.").encode("utf_32_be"))
    assert main(cli(folder, out)) == 0
    assert read(out, "errors") == []
    assert {row["source_path"]: row["encoding"] for row in read(out, "articles")} == {"be.txt": "utf_32_be",
                                                                                     "le.txt": "utf_32_le"}


def test_a_record_whose_html_holds_no_article_is_read_from_its_text(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    jsonl(folder / "a.jsonl", {"date": DATE, "html": "<html><body><p>Setujui kuki untuk lanjut</p></body></html>",
                               "text": TEXT},
          {"date": DATE, "html": "<html><body><p>Hanya menu</p></body></html>"})
    assert main(cli(folder, out)) == 0
    assert [row["source_path"] for row in read(out, "articles")] == ["a.jsonl#0"]
    assert [(row["source_path"], row["kind"]) for row in read(out, "errors")] == [("a.jsonl#1", "no-article")]


def test_a_users_own_by_year_folder_is_left_alone(tmp_path):
    folder, out = one_article(tmp_path / "in"), tmp_path / "out"
    (out / "by_year").mkdir(parents=True)
    (out / "by_year" / "notes.txt").write_text("catatan saya", encoding="utf-8")
    assert main(cli(folder, out)) == 0
    assert (out / "by_year" / "notes.txt").read_text(encoding="utf-8") == "catatan saya"
    partitioned = tmp_path / "partitioned"
    assert main(cli(folder, partitioned, "--partition-by-year")) == 0
    assert main(cli(folder, partitioned)) == 0                      # the run's own partitions go
    assert not (partitioned / "by_year").exists()


@pytest.mark.parametrize("depth, found", [(1500, ["1"]), (2500, ["0", "path-too-long"])])   # 5,000 > PATH_MAX
def test_a_folder_thousands_of_levels_deep_is_walked_in_linear_time(tmp_path, depth, found):
    from tests.engine.test_hostile import limited_python

    code = """
import os, sys
from pipeline.ingest.walk import list_inputs
root = sys.argv[1]
os.chdir(root)
for _ in range(int(sys.argv[2])):
    os.mkdir("d")
    os.chdir("d")
open("page.txt", "w").write("Judul")
listing = list_inputs(root, exclude=[root + "/elsewhere"])
print(len(listing.files), *(problem.kind for problem in listing.problems))
os.remove("page.txt")
for _ in range(int(sys.argv[2])):          # (shutil.rmtree, and so pytest's clean-up, recurses: too deep for it)
    os.chdir("..")
    os.rmdir("d")
"""
    try:
        done = limited_python(code, str(tmp_path), str(depth), cpu_seconds=20)
    finally:
        subprocess.run(["rm", "-rf", str(tmp_path / "d")], check=False)
    assert done.returncode == 0, done.stderr[-2000:] or "killed: over 20 s of CPU time"
    assert done.stdout.split() == found


def test_the_report_leaves_events_dated_in_year_1_or_9999_off_its_timeline(tmp_path):
    """The events stage reads no such year (pipeline/events/dates.py); an events table from elsewhere (an older
    run, a hand edit) may hold one, and the report leaves it off its timeline."""
    from pipeline.report import render as report

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for year in ("0001", "9999", "2023"):
        (folder / f"p{year}.txt").write_text(
            f"Latihan bersama\n\nJAKARTA - TNI Angkatan Laut dan Angkatan Laut Australia menggelar latihan bersama "
            f"di Laut Arafura pada tahun {year} untuk meningkatkan kemampuan patroli kedua negara.\n\nLatihan itu "
            "melibatkan kapal perang dari kedua negara, kata juru bicara, Senin (4/3/2024).\n", encoding="utf-8")
    assert main(cli(folder, out)) == 0
    events = pq.read_table(out / "events.parquet")
    assert {e["date_start"].year for e in events.to_pylist()} <= set(range(1800, 2101))
    starts = events["date_start"].to_pylist()
    starts[:2] = [date(1, 1, 1), date(9999, 12, 31)]
    column = events.schema.get_field_index("date_start")
    pq.write_table(events.set_column(column, events.schema.field(column), pa.array(starts, pa.date32())),
                   out / "events.parquet")
    assert report.main([str(out)]) == 0
    page = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "2 event(s) dated outside 1800–2100" in page
