"""Scraped-text repair before tokenising (pipeline/annotate/repair.py): zero-width characters and compatibility
forms (issue 21 item 8), glued words split at known boundaries (issue 18 item 5), every repair recorded."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.__main__ import main
from pipeline.annotate import clean
from pipeline.annotate.repair import rebuild, repair_text, split_word
from pipeline.knowledge import load_knowledge
from pipeline.knowledge.profiles import normalise_line
from pipeline.record import Page, Repair

LEXICON = load_knowledge().lexicons["repair_id"]
EXAMPLES = [pair for part in ("characters", "glue") for pair in LEXICON[part]["examples"]]
COUNTER_EXAMPLES = [text for part in ("characters", "glue") for text in LEXICON[part]["counter_examples"]]


@pytest.fixture(scope="module")
def rules(compiled):
    return compiled.repairs


def assert_rebuilds(text: str, rules) -> tuple[str, tuple[Repair, ...]]:
    """Each repair sits at its offset in the repaired text, and undoing them gives the text back."""
    out, repairs = repair_text(text, rules, "body")
    for r in repairs:
        assert out[r.offset:r.offset + len(r.repaired)] == r.repaired, r
    assert [r.offset for r in repairs] == sorted(r.offset for r in repairs)
    assert rebuild(out, repairs) == text
    return out, repairs


@pytest.mark.parametrize("scraped, expected", EXAMPLES, ids=[s[:40] for s, _ in EXAMPLES])
def test_a_lexicon_example_is_repaired_and_rebuilt(rules, scraped, expected):
    out, repairs = assert_rebuilds(scraped, rules)
    assert out == expected and repairs


@pytest.mark.parametrize("text", COUNTER_EXAMPLES, ids=[t[:40] for t in COUNTER_EXAMPLES])
def test_a_lexicon_counter_example_is_left_alone(rules, text):
    assert repair_text(text, rules, "body") == (text, ())


def test_every_part_of_the_lexicon_has_examples_and_counter_examples():
    assert all(LEXICON[part]["examples"] and LEXICON[part]["counter_examples"] for part in ("characters", "glue"))


@pytest.mark.parametrize("word, expected", [
    ("PresidenWidodo", ["Presiden", "Widodo"]),
    ("presidenWidodo", ["presiden", "Widodo"]),
    ("danUni", ["dan", "Uni"]),
    ("keAS", ["ke", "AS"]),
    ("kataMenlu", ["kata", "Menlu"]),
    ("negaraJepang", ["negara", "Jepang"]),
    ("IndonesiaJepang", ["Indonesia", "Jepang"]),
    ("Indonesiayang", ["Indonesia", "yang"]),
    ("Jepangmengirim", ["Jepang", "mengirim"]),
    ("bersamaPBBdan", ["bersama", "PBB", "dan"]),
    ("kataPresidenWidodo", ["kata", "Presiden", "Widodo"]),
    # CamelCase names, brands and acronym runs: no boundary the lexicons make certain
    ("iPhone", ["iPhone"]), ("YouTube", ["YouTube"]), ("McDonald", ["McDonald"]), ("MacDonald", ["MacDonald"]),
    ("DiCaprio", ["DiCaprio"]), ("DeVos", ["DeVos"]), ("DPRRI", ["DPRRI"]), ("PlayStation", ["PlayStation"]),
    ("KataData", ["KataData"]), ("BukaLapak", ["BukaLapak"]), ("MetroTV", ["MetroTV"]), ("DiGi", ["DiGi"]),
    ("WartaKotaLive", ["WartaKotaLive"]), ("detikBali", ["detikBali"]), ("AirAsia", ["AirAsia"]),
    # a name with a clitic or a longer word that starts like a name
    ("Jakartanya", ["Jakartanya"]), ("Indonesiaku", ["Indonesiaku"]), ("Perubahan", ["Perubahan"]),
    ("Jepangan", ["Jepangan"]), ("Indonesiamu", ["Indonesiamu"]),
])
def test_a_word_splits_only_at_a_known_boundary(rules, word, expected):
    cuts = [at for at, _ in split_word(word, rules)]
    assert [word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)])] == expected


@pytest.mark.parametrize("text, rule", [
    ("Kunjungan MenteriWidodo usai.", "glue.title"),
    ("Ia tiba diJakarta.", "glue.function-word"),
    ("Ia bertemu pemerintahJepang.", "glue.name"),
    ("Putinmenerima tamunya.", "glue.name-word"),
    ("Austra\u200blia", "char.zero-width"),
    ("Ｊｅｐａｎｇ", "char.nfkc"),
])
def test_each_repair_names_its_rule(rules, text, rule):
    assert [r.rule_id for r in assert_rebuilds(text, rules)[1]] == [rule]


def test_a_run_of_folded_characters_is_one_repair(rules):
    out, repairs = assert_rebuilds("Delegasi Ａｕｓｔｒａｌｉａ tiba.", rules)
    assert out == "Delegasi Australia tiba."
    assert repairs == (Repair("body", 9, "Ａｕｓｔｒａｌｉａ", "Australia", "char.nfkc"),)


@pytest.mark.parametrize("text, expected", [
    ("Kerja sama dan\u200bUni Eropa.", "Kerja sama dan Uni Eropa."),         # removal and space at one place
    ("Kerja sama ｄａｎＵｎｉ Eropa.", "Kerja sama dan Uni Eropa."),          # a space inside a folded run
    ("Pertemuan Austra\u200bliadan Jepang.", "Pertemuan Australia dan Jepang."),
    ("Naskah ﬁnal diJakarta\u200b\u200b.", "Naskah final di Jakarta."),
])
def test_repairs_of_both_kinds_together_keep_their_offsets(rules, text, expected):
    assert assert_rebuilds(text, rules)[0] == expected


@pytest.mark.parametrize("text", [
    "Tagar #SaveRajaAmpat dan akun @diJakarta ramai.",
    "Tautan www.contoh.id/diJakarta dan youtu.be/keJepang.",
    "Doa itu: \u0628\u0650\u0633\u0652\u0645\u0650\u200c\u0627\u0644\u0644\u0651\u0670\u0647\u0650",
])
def test_addresses_tags_and_other_scripts_are_left_alone(rules, text):
    assert repair_text(text, rules, "body") == (text, ())


def test_a_zero_width_character_beside_a_space_is_spacing_and_inside_a_word_is_left_for_the_repair():
    assert normalise_line("kata\u200b dia\u200b") == "kata dia"
    assert normalise_line("\u200bMenurut  \u200b\u200bdia") == "Menurut dia"
    assert normalise_line("Austra\u200blia") == "Austra\u200blia"


def test_the_clean_stage_holds_the_repaired_text_and_its_repairs_rebuild_the_cut(compiled):
    text = ("Judul berita\n\nJAKARTA - PresidenWidodo bertemu Perdana Menteri Austra\u200blia di Istana, "
            "kata juru bicara dariPBB yang hadir dalam acara itu.\n")
    page = Page("abc", "p.txt", text, "utf-8", "txt")
    cut = clean.clean(page, compiled.profiles)
    article = clean.clean(page, compiled.profiles, compiled.repairs)
    assert "Presiden Widodo" in article.body and "Australia" in article.body and "dari PBB" in article.body
    assert cut.repairs == () and rebuild(article.body, article.repairs) == cut.body
    assert {r.rule_id for r in article.repairs} == {"glue.title", "char.zero-width", "glue.function-word"}


def run_rules_only(tmp_path: Path, texts: list[str]) -> Path:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    records = [{"date": "2025-06-03", "url": f"https://contoh.id/{n}", "text": text} for n, text in enumerate(texts)]
    (folder / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["run", str(folder), "--out", str(out), "--no-ner", "--quiet", "--workers", "1", "--no-cache"]) == 0
    return out


def table(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


@pytest.mark.parametrize("name", ["Austra\u200blia", "Ａｕｓｔｒａｌｉａ", "Austra\u200dlia"])
def test_a_name_with_a_zero_width_or_fullwidth_letter_keeps_its_participant(tmp_path, name):
    """Issue 21 item 8: the participant is found, the evidence shows the name whole, and the table's repairs
    give the page's text back."""
    text = (f"JAKARTA - Menteri Pertahanan Indonesia bertemu Menteri Pertahanan {name} di Jakarta, Selasa "
            "(3/6/2025). Keduanya membahas pengadaan kapal patroli.")
    out = run_rules_only(tmp_path, [text])
    [event] = [e for e in table(out, "events") if e["event_type"] == "MEETING"]
    assert "Pertahanan Australia di Jakarta" in event["sentence"]
    participants = {p["code"] for p in table(out, "event_participants") if p["event_id"] == event["event_id"]}
    assert participants == {"IDN", "AUS"}
    [article] = table(out, "articles")
    repairs = [Repair(r["field"], r["offset"], r["original"] or "", r["repaired"] or "", r["rule_id"])
               for r in sorted(table(out, "text_repairs"), key=lambda r: r["repair_index"])]
    assert repairs and name in rebuild(article["body"], repairs)
    for p in table(out, "event_participants"):
        assert article["body"][p["start"]:p["end"]] == p["text"]


def test_glued_words_are_split_in_the_tables_and_each_split_is_a_row(tmp_path):
    text = ("JAKARTA - MenteriPertahanan Indonesia bertemu Menteri Pertahanan Jepangdi Tokyo, Selasa (3/6/2025). "
            "Keduanya membahas latihan bersama danpatroli laut.")
    out = run_rules_only(tmp_path, [text])
    [article] = table(out, "articles")
    assert "Menteri Pertahanan Indonesia" in article["body"] and "Jepang di Tokyo" in article["body"]
    assert "danpatroli" in article["body"]          # no known boundary between two lower-case words
    rows = table(out, "text_repairs")
    assert [(r["rule_id"], r["original"], r["repaired"]) for r in rows] == [
        ("glue.title", None, " "), ("glue.name-word", None, " ")]
    assert [r["repair_index"] for r in rows] == [0, 1]
    assert all(article["body"][r["offset"]] == " " for r in rows)
