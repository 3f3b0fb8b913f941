"""Convert the Indonesian NER corpora into Stanza's NER json with one label scheme: PER / ORG / LOC.

Usage: python scripts/ner_data.py --data ../shared/data --out build/ner_data [--with-nerp]

Per-corpus label mapping (anything not listed becomes O):
  nerui    PERSON→PER  ORGANIZATION→ORG  LOCATION→LOC
  nerugm   PERSON→PER  ORGANIZATION→ORG  LOCATION→LOC  (TIME, QUANTITY → O)
  nergrit  PERSON→PER  ORGANISATION→ORG  PLACE→LOC
  nerp     PPL→PER     IND→ORG           PLC→LOC       (EVT, FNB → O); lower-cased text, kept as is

Files written (official test splits are converted for evaluation only, never merged into train/dev):
  train.json            train splits of the chosen corpora
  dev.json              dev splits of the cased corpora (model selection)
  <corpus>.test.json    one per corpus, for the model card
  <corpus>.dev.json     one per corpus
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

LABEL_MAP = {
    "nerui": {"PERSON": "PER", "ORGANIZATION": "ORG", "LOCATION": "LOC"},
    "nerugm": {"PERSON": "PER", "ORGANIZATION": "ORG", "LOCATION": "LOC"},
    "nergrit": {"PERSON": "PER", "ORGANISATION": "ORG", "PLACE": "LOC"},
    "nerp": {"PPL": "PER", "IND": "ORG", "PLC": "LOC"},
}
SPLIT_FILES = {
    "train": ("train.tsv",),
    "dev": ("dev.tsv", "valid.tsv"),
    "test": ("test.tsv",),
}
CASED_CORPORA = ("nerui", "nerugm", "nergrit")


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Read `token<TAB>tag` lines; a blank line ends a sentence."""
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        token, tag = line.rsplit("\t", 1)
        current.append((token, tag.strip()))
    if current:
        sentences.append(current)
    return sentences


def map_tags(tags: list[str], mapping: dict[str, str]) -> list[str]:
    """Map the corpus types onto PER/ORG/LOC and repair I- tags that follow O or another type."""
    out, previous = [], "O"
    for tag in tags:
        prefix, _, kind = tag.partition("-")
        target = mapping.get(kind) if prefix in ("B", "I") else None
        if target is None:
            out.append("O")
        elif prefix == "I" and previous in (f"B-{target}", f"I-{target}"):
            out.append(f"I-{target}")
        else:
            out.append(f"B-{target}")
        previous = out[-1]
    return out


def split_path(data_dir: Path, corpus: str, split: str) -> Path:
    folder = data_dir / "ner" / corpus
    for name in SPLIT_FILES[split]:
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"no {split} split in {folder}")


def load_split(data_dir: Path, corpus: str, split: str) -> list[list[dict]]:
    sentences = read_conll(split_path(data_dir, corpus, split))
    converted = []
    for sentence in sentences:
        tokens = [token for token, _ in sentence]
        tags = map_tags([tag for _, tag in sentence], LABEL_MAP[corpus])
        converted.append([{"text": t, "ner": g} for t, g in zip(tokens, tags)])
    return converted


def write_json(path: Path, sentences: list) -> None:
    path.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")


def convert(data_dir: Path, out_dir: Path, with_nerp: bool) -> dict[str, int]:
    out_dir.mkdir(parents=True, exist_ok=True)
    train_corpora = CASED_CORPORA + (("nerp",) if with_nerp else ())
    counts = {}
    train, dev = [], []
    for corpus in LABEL_MAP:
        for split in ("train", "dev", "test"):
            sentences = load_split(data_dir, corpus, split)
            write_json(out_dir / f"{corpus}.{split}.json", sentences)
            counts[f"{corpus}.{split}"] = len(sentences)
        if corpus in train_corpora:
            train += load_split(data_dir, corpus, "train")
        if corpus in CASED_CORPORA:
            dev += load_split(data_dir, corpus, "dev")
    write_json(out_dir / "train.json", train)
    write_json(out_dir / "dev.json", dev)
    counts["train"], counts["dev"] = len(train), len(dev)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("build/ner_data"))
    parser.add_argument("--with-nerp", action="store_true", help="add the lower-cased NERP train split")
    args = parser.parse_args()
    for name, count in convert(args.data, args.out, args.with_nerp).items():
        print(f"{name}\t{count}")


if __name__ == "__main__":
    main()
