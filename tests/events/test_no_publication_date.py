"""An article without a publication date keeps its row, its mentions and its events dated by their own words
(issue 11, item 6): only the events that would need the publication date are left out."""
from __future__ import annotations

from datetime import date

import pyarrow.parquet as pq

from pipeline.run import process_folder, write_outputs
from pipeline.settings import Settings

PAGE = """Indonesia dan Vietnam teken perjanjian batas laut

Jakarta -- Indonesia dan Vietnam menandatangani perjanjian batas Zona Ekonomi Eksklusif di Hanoi pada 22 Desember 2022 setelah perundingan selama dua belas tahun.

Menteri Luar Negeri kedua negara juga bertemu di Hanoi pada Selasa untuk membahas patroli bersama di Laut Natuna Utara.
"""


def test_an_undated_article_keeps_its_row_mentions_and_self_dated_events(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    (folder / "undated.txt").write_text(PAGE, encoding="utf-8")
    result = process_folder(folder, Settings(use_ner=False))
    assert result.problems == [] and result.count("processed") == 1
    write_outputs(result, out)
    [article] = pq.read_table(out / "articles.parquet").to_pylist()
    assert article["published_at"] is None and article["date_source"] is None
    mentions = pq.read_table(out / "mentions.parquet").to_pylist()
    assert {m["code"] for m in mentions if m["label"] == "COUNTRY"} >= {"IDN", "VNM"}
    # the signing names its day; the meeting "pada Selasa" would need the publication date to be dated
    events = pq.read_table(out / "event_mentions.parquet").to_pylist()
    assert [(e["event_type"], e["date_start"], e["date_basis"]) for e in events] == [
        ("AGREEMENT", date(2022, 12, 22), "sentence")]
