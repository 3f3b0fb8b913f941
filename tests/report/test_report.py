"""The HTML report: its numbers, its self-contained page, its failure path, and how it renders in Chromium."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from outputs_sample import SAMPLE_INPUTS, write_sample_outputs
from pipeline.report import render as report
from pipeline.report import data as report_data
from pipeline.output import tables
from pipeline.record import Problem

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TIMELINE_BLUE = (31, 119, 180)     # MEETING's colour in the plots


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = write_sample_outputs(tmp_path_factory.mktemp("out"))
    report.write_report(folder)
    return folder


@pytest.fixture(scope="module")
def page(out) -> str:
    return (out / "report" / "index.html").read_text(encoding="utf-8")


def test_report_is_one_self_contained_page(page):
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 3                       # timeline, actors, sites
    assert all(base64.b64decode(i).startswith(b"\x89PNG\r\n\x1a\n") for i in images)
    assert not re.search(r'(src|href)="(https?:|/|\.\.)', page) and "<script" not in page
    for heading in ("Event timeline", "Most frequent actors", "Accessions", "Sites", "Errors"):
        assert f"<h2>{heading}</h2>" in page or f"<h3>{heading}</h3>" in page


def test_events_per_year_by_type(out):
    frames = report_data.load_outputs(out)
    per_year = report_data.events_per_year(frames["events"])
    assert per_year.to_dict("index") == {2020: {"MEETING": 3, "ARMS_DEAL": 0, "ACCESSION": 1},
                                         2023: {"MEETING": 1, "ARMS_DEAL": 1, "ACCESSION": 1},
                                         2024: {"MEETING": 0, "ARMS_DEAL": 0, "ACCESSION": 1}}


def test_most_frequent_actors_count_events_not_rows(out):
    actors = report_data.top_actors(report_data.load_outputs(out)["event_participants"])
    assert actors.head(5).values.tolist() == [
        ["SCO", "ORG", 3, 3, "org:sco"], ["Vladimir Putin", "PERSON", 3, 3, "person:vladimir-putin"],
        ["Xi Jinping", "PERSON", 3, 3, "person:xi-jinping"],
        ["Sergey Lavrov", "PERSON", 2, 2, "person:sergei-lavrov"],       # leaders.tsv spells him Sergei
        ["Belarus", "COUNTRY", 2, 2, "state:BLR"]]


def test_accession_table_lists_country_organisation_stage_date(out, page):
    table = report_data.accession_table(report_data.load_outputs(out))
    assert table[["country", "organisation", "stage", "date"]].values.tolist() == [
        ["Iran", "SCO", "observer", "2020-11-10"], ["Iran", "SCO", "member", "2023-07-04"],
        ["Belarus", "SCO", "member", "2024-07-04"]]
    assert "<td>Belarus menjadi anggota penuh SCO.</td>" in page


def test_site_counts_include_errors_without_a_site(out):
    sites = report_data.site_table(report_data.load_outputs(out)).set_index("site")
    assert sites[["articles", "removed_lines", "errors"]].to_dict("index") == {
        "kontan": {"articles": 2, "removed_lines": 5, "errors": 0},
        "bharata": {"articles": 1, "removed_lines": 5, "errors": 0},
        "indopos": {"articles": 1, "removed_lines": 0, "errors": 0},
        report_data.NO_SITE: {"articles": 0, "removed_lines": 0, "errors": 2}}


def test_text_from_pages_is_escaped(tmp_path):
    hostile = Problem("x.html", "ingest", "decode", "<script>alert(1)</script> & more")
    tables.write_tables(tables.build_tables([], [hostile], SAMPLE_INPUTS[:1]), tmp_path)
    page = report.write_report(tmp_path).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page and "<script>" not in page
    assert "No events were extracted." in page and "No accession events." in page


def test_same_outputs_give_the_same_report(out, tmp_path):
    again = write_sample_outputs(tmp_path)
    assert report.write_report(again).read_bytes() == (out / "report" / "index.html").read_bytes()


def test_folder_without_outputs_is_a_clear_error(tmp_path, capsys):
    assert report.main([str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "articles.parquet" in error and "idnews-pipeline run INPUT --out" in error
    assert report.main([]) == 2


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium; see README 'Using the outputs' for the command")
def test_report_renders_in_headless_chromium(out, tmp_path):
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1400",
                    f"--screenshot={shot}", (out / "report" / "index.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert pixels.shape == (1400, 1200, 3)
    assert (pixels.sum(axis=2) < 600).mean() > 0.03            # text and plots, not a blank page
    blue = (np.abs(pixels - TIMELINE_BLUE).sum(axis=2) < 30).sum()
    assert blue > 2000                                          # the embedded plots were decoded and drawn


def test_the_timeline_spans_the_events_by_month_and_counts_the_outliers_apart():
    import pandas as pd
    days = [f"2025-{m:02d}-15" for m in range(1, 13) for _ in range(10)] + ["1955-04-18"]
    events = pd.DataFrame({"date_start": pd.to_datetime(days), "event_type": ["MEETING"] * len(days)})
    per_period, outside = report_data.events_per_period(events)
    assert (per_period.index.name, len(per_period), outside) == ("month", 12, 1)
    assert str(per_period.index[0]) == "2025-01" and per_period["MEETING"].sum() == 120
