"""Command line: ``python -m pipeline run INPUT --out DIR`` (also installed as ``idnews-pipeline``)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.datapackage import write_datapackage
from pipeline.knowledge import KnowledgeError, load_knowledge
from pipeline.manifest import write_manifest
from pipeline.profiles import load_profiles
from pipeline.partition import update_partitioned
from pipeline.run import load_tagger, process_folder, write_outputs
from pipeline.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Turn a folder of scraped Indonesian news pages into tidy event tables (CSV + Parquet).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="process a folder of pages",
                              description="Read every .txt/.html/.htm/.json/.jsonl file below INPUT (recursively), "
                                          "and write articles, removed_lines, mentions, entities, events, "
                                          "event_evidence, event_participants, inputs and errors tables "
                                          "as CSV and Parquet into --out, plus datapackage.json (Frictionless Data "
                                          "Package describing the CSVs) and manifest.json.")
    run.add_argument("input", type=Path, help="folder of scraped pages (searched recursively)")
    run.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs)")
    run.add_argument("--model-dir", type=Path, default=Settings.model_dir,
                     help="folder holding the Stanza NER model files (default: models/ner of this project)")
    run.add_argument("--no-ner", action="store_true",
                     help="skip the NER model (countries and organisations still come from the gazetteers)")
    run.add_argument("--max-input-mb", type=float, default=Settings.max_input_bytes / 2**20,
                     help="inputs larger than this are reported in errors instead of read (default: %(default)s)")
    run.add_argument("--csv-bom", action="store_true",
                     help="start CSV files with a UTF-8 byte-order mark (helps Excel detect UTF-8)")
    run.add_argument("--partition-by-year", action="store_true",
                     help="also write OUT/by_year/TABLE/year=YYYY/part-0.parquet, Hive-partitioned by the "
                          "article's publication year (WIB)")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(max_input_bytes=int(args.max_input_mb * 2**20), model_dir=args.model_dir,
                    use_ner=not args.no_ner)


def run_command(args: argparse.Namespace) -> int:
    if not args.input.is_dir():
        print(f"error: input folder not found: {args.input}", file=sys.stderr)
        return 2
    settings = settings_from(args)
    try:
        knowledge = load_knowledge()
        load_profiles(knowledge)          # a broken site profile stops the run before any page is read
        tagger = load_tagger(settings)
    except (KnowledgeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = process_folder(args.input, settings, knowledge, tagger)
    try:
        write_outputs(result, args.out, csv_bom=args.csv_bom)
        write_datapackage(args.out)
        update_partitioned(args.out, args.partition_by_year)
        write_manifest(result, args, settings, knowledge)
    except OSError as exc:
        print(f"error: cannot write outputs to {args.out}: {exc.strerror or exc}; "
              "previous outputs there are unchanged", file=sys.stderr)
        return 3
    if not args.quiet:
        print(result.summary())
        print(f"tables written to {args.out}/")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
