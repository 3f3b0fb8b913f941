"""Events from the real chain (NER model included) on pages written for these tests (tests/pages/):
off-topic news full of trigger words gives no event; international news gives the events a reader sees.

The expectations are hand-written from the pages, never regenerated: each names an event's type, subtype, status,
first day, date basis and the codes of its sides.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.run import process_folder, write_outputs
from pipeline.settings import Settings
from tests.paths import PAGES_DIR

PAGES = PAGES_DIR
pytestmark = pytest.mark.skipif(not (Settings().model_dir / "id_nertagger.pt").exists(), reason="no NER model")

EXPECTED = {
    "kunjungan_tokyo.txt": [
        # the state visit and the talks of its second day are one MEETING
        ("MEETING", "visit", "happened", date(2024, 12, 9), "sentence", {"IDN", "JPN"}),
        # "Kedua pemimpin sepakat memperluas kerja sama ...": a pledge, no AGREEMENT (issue 18, sense.pledge)
        ("AGREEMENT", "signed", "happened", date(2024, 12, 9), "context", {"IDN", "JPN"}),
        # "Sebelumnya, kedua negara pernah menandatangani ...": undated background, no row
    ],
    "rafale_kontrak.txt": [
        ("ARMS_DEAL", "order", "happened", date(2025, 8, 7), "sentence", {"IDN", "FRA"}),
        ("AGREEMENT", "signed", "happened", date(2025, 8, 7), "sentence", {"IDN", "FRA"}),
        ("ARMS_DEAL", "purchase", "proposed", date(2025, 8, 8), "publication", {"IDN", "FRA"}),
    ],
    "brics_anggota.txt": [
        ("ACCESSION", "member", "happened", date(2025, 1, 6), "sentence", {"IDN", "BRICS"}),
        ("MEETING", "summit", "planned", date(2025, 7, 1), "sentence", {"IDN", "BRICS"}),
    ],
    "latihan_laut.txt": [
        ("MILITARY_EXERCISE", "joint", "happened", date(2024, 9, 3), "sentence", {"IDN", "AUS"}),
    ],
    "ktt_asean_jadwal.txt": [
        ("MEETING", "summit", "planned", date(2025, 5, 26), "sentence", {"ASEAN"}),
        ("MEETING", "visit", "cancelled", date(2025, 5, 12), "sentence", {"CHN", "IDN"}),
        ("MEETING", "summons", "happened", date(2025, 5, 9), "sentence", {"IDN", "AUS"}),
    ],
    "menlu_malaysia.txt": [
        ("MEETING", "bilateral", "happened", date(2025, 1, 16), "sentence", {"IDN", "MYS"}),
        ("AGREEMENT", "agreement", "happened", date(2025, 1, 16), "context", {"IDN", "MYS"}),
        ("MEETING", "bilateral", "planned", date(2025, 2, 1), "sentence", {"IDN", "MYS"}),
    ],
}


def _events_by_page(folder: Path, out: Path) -> dict[str, list[tuple]]:
    result = process_folder(folder)
    assert result.count("error") == 0, result.problems
    write_outputs(result, out)
    table = {name: pq.read_table(out / f"{name}.parquet").to_pylist()
             for name in ("articles", "event_mentions", "mention_participants")}
    codes: dict[str, set] = {}
    for p in table["mention_participants"]:
        codes.setdefault(p["mention_id"], set()).add(p["code"])
    events: dict[str, list[tuple]] = {a["article_id"]: [] for a in table["articles"]}
    for e in table["event_mentions"]:
        events[e["article_id"]].append((e["event_type"], e["subtype"], e["status"], e["date_start"],
                                        e["date_basis"], frozenset(codes.get(e["mention_id"], ()))))
    return {a["source_path"]: sorted(events[a["article_id"]]) for a in table["articles"]}


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    return _events_by_page(PAGES / "events", tmp_path_factory.mktemp("news"))


@pytest.fixture(scope="module")
def off_topic(tmp_path_factory):
    return _events_by_page(PAGES / "offtopic", tmp_path_factory.mktemp("off_topic"))


def test_off_topic_news_gives_no_event(off_topic):
    assert len(off_topic) == 10
    assert {page: events for page, events in off_topic.items() if events} == {}


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_international_news_gives_its_events(news, page):
    expected = sorted((t, s, st, d, b, frozenset(codes)) for t, s, st, d, b, codes in EXPECTED[page])
    assert news[page] == expected
