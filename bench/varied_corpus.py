"""Varied copies of seed pages, for the benchmarks: not byte copies (the content-hash cache and duplicate
detection would shortcut them), but pages whose country names are swapped for others, whose dates move by
whole weeks and whose body paragraphs are reordered, one of them taken from another seed page.
"""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from pipeline.ingest import pages as ingest  # noqa: E402

SUFFIXES = (".txt", ".html", ".jsonl")
COUNTRIES = ["Rusia", "Tiongkok", "China", "India", "Iran", "Belarus", "Kazakhstan", "Uzbekistan", "Pakistan",
             "Turki", "Mesir", "Brasil", "Indonesia", "Malaysia", "Vietnam", "Kyrgyzstan", "Tajikistan", "Mongolia"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
_COUNTRY = re.compile(r"\b(" + "|".join(COUNTRIES) + r")\b")
_DAY_MONTH = re.compile(r"\b([1-9]|[12]\d|3[01]) (" + "|".join(MONTHS) + r")\b")
_SHORT_DATE = re.compile(r"\((\d{1,2})/(\d{1,2})")

Seed = tuple[str, str]          # (file suffix, decoded text)


def seed_texts(folder: Path, suffixes: tuple[str, ...] = SUFFIXES) -> list[Seed]:
    """(suffix, decoded text) of every input file below ``folder`` with one of ``suffixes``."""
    seeds = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in suffixes and not path.name.startswith("."):
            seeds.append((path.suffix, ingest.decode(path.read_bytes())[0]))
    return seeds


def vary(text: str, donor: str, rng: random.Random) -> str:
    """Other countries, other dates, body paragraphs reordered and one taken from ``donor``."""
    names = rng.sample(COUNTRIES, len(COUNTRIES))
    mapping = dict(zip(COUNTRIES, names))
    text = _COUNTRY.sub(lambda m: mapping[m.group(1)], text)
    weeks = rng.choice((-14, -7, 7, 14))        # whole weeks: a weekday beside a date still agrees with it
    text = _DAY_MONTH.sub(lambda m: f"{_shift_day(int(m.group(1)), weeks)} {m.group(2)}", text)
    text = _SHORT_DATE.sub(lambda m: f"({_shift_day(int(m.group(1)), weeks)}/{m.group(2)}", text)
    return _exchange_paragraphs(text, donor, rng)


def _shift_day(day: int, days: int) -> int:
    moved = day + days
    return moved if 1 <= moved <= 28 else day - days if 1 <= day - days <= 28 else day


def _is_paragraph(line: str) -> bool:
    return len(line) >= 100 and (not line.lstrip().startswith("<") or line.lstrip().startswith("<p"))


def _exchange_paragraphs(text: str, donor: str, rng: random.Random) -> str:
    lines = text.split("\n")
    slots = [i for i, line in enumerate(lines) if _is_paragraph(line)][2:]   # the lead (and dateline) stay
    if len(slots) < 2:
        return text
    paragraphs = [lines[i] for i in slots]
    rng.shuffle(paragraphs)
    offered = [line for line in donor.split("\n") if _is_paragraph(line) and "<" not in line]
    if offered:
        paragraphs[rng.randrange(len(paragraphs))] = rng.choice(offered)
    for i, paragraph in zip(slots, paragraphs):
        lines[i] = paragraph
    return "\n".join(lines)


def _vary_jsonl(text: str, donor: str, rng: random.Random) -> tuple[str, int]:
    records = []
    for line in text.split("\n"):
        if line.strip():
            record = json.loads(line)
            for key in ("text", "html"):
                if isinstance(record.get(key), str):
                    record[key] = vary(record[key], donor, rng)
            records.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(records) + "\n", len(records)


def write_variant(seeds: list[Seed], i: int, target: Path, rng: random.Random) -> int:
    """Write file number ``i``: a varied copy of seed ``i`` (cycling), with a paragraph from a random donor.
    Returns the number of articles it holds."""
    suffix, text = seeds[i % len(seeds)]
    donor = seeds[rng.randrange(len(seeds))][1]
    if suffix == ".jsonl":
        varied, n = _vary_jsonl(text, donor, rng)
    else:
        varied, n = vary(text, donor, rng), 1
    (target / f"{i:05d}{suffix}").write_text(varied, encoding="utf-8")
    return n


def build_corpus(corpus: Path, target: Path, n_articles: int, seed: int = 7) -> int:
    """Write varied copies of the pages below ``corpus`` into ``target`` until they hold at least ``n_articles``
    articles; returns the count."""
    rng, seeds = random.Random(seed), seed_texts(corpus)
    target.mkdir(parents=True, exist_ok=True)
    count, i = 0, 0
    while count < n_articles:
        count, i = count + write_variant(seeds, i, target, rng), i + 1
    return count


def build_copies(seeds: list[Seed], target: Path, copies: int, seed: int = 7) -> int:
    """Write ``copies`` varied copies of every seed into ``target``; returns the number of articles."""
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    return sum(write_variant(seeds, i, target, rng) for i in range(copies * len(seeds)))
