"""An article without a publication date keeps its row, its mentions and its events dated by their own words
(issue 11, item 6): only the events that would need the publication date are left out."""
from __future__ import annotations

from datetime import date

from pipeline.run import process_folder
from pipeline.settings import Settings

PAGE = """Indonesia dan Vietnam teken perjanjian batas laut

Jakarta -- Indonesia dan Vietnam menandatangani perjanjian batas Zona Ekonomi Eksklusif di Hanoi pada 22 Desember 2022 setelah perundingan selama dua belas tahun.

Menteri Luar Negeri kedua negara juga bertemu di Hanoi pada Selasa untuk membahas patroli bersama di Laut Natuna Utara.
"""


def test_an_undated_article_keeps_its_row_mentions_and_self_dated_events(tmp_path):
    (tmp_path / "undated.txt").write_text(PAGE, encoding="utf-8")
    result = process_folder(tmp_path, Settings(use_ner=False))
    assert result.problems == [] and result.count("processed") == 1
    [article] = result.articles
    assert article.meta.published_at is None and article.meta.date_source is None
    assert {m.code for m in article.mentions if m.label == "COUNTRY"} >= {"IDN", "VNM"}
    # the signing names its day; the meeting "pada Selasa" would need the publication date to be dated
    assert [(e.event_type, e.date.start, e.date.basis) for e in article.events] == [
        ("AGREEMENT", date(2022, 12, 22), "sentence")]
