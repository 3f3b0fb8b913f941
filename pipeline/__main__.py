"""Command line: ``python -m pipeline run INPUT --out DIR`` (also installed as ``idnews-pipeline``), and
``report OUT`` (the HTML report) and ``validate OUT`` (the folder against its datapackage.json)."""
from __future__ import annotations

import argparse
import logging
import math
import os
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.api import prepare, process_folder, write_outputs
from pipeline.engine import progress
from pipeline.knowledge import KnowledgeError
from pipeline.output.layout import CACHE_DIR, PARTS_DIR, RUN_LOG
from pipeline.output.manifest import run_config
from pipeline.record import STAGES, PipelineError
from pipeline.settings import CHUNK_SIZE, OutputOptions, RunOptions, Settings

log = logging.getLogger("pipeline.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Turn a folder of scraped Indonesian news pages into tidy event tables (CSV + Parquet).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="process a folder of pages",
                              description="Read every .txt/.html/.htm/.json/.jsonl file below INPUT (recursively), "
                                          "and write articles, removed_lines, mentions, entities, event_mentions, "
                                          "event_evidence, mention_participants, events (one per real-world "
                                          "event, across articles), event_participants, inputs and errors tables "
                                          "as CSV and Parquet into --out, plus datapackage.json (Frictionless Data "
                                          "Package describing the CSVs) and manifest.json.")
    run.add_argument("input", type=Path, help="folder of scraped pages (searched recursively)")
    run.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs)")
    run.add_argument("--model-dir", type=Path, default=Settings.model_dir,
                     help="folder holding the Stanza NER model files (default: models/ner of this project)")
    run.add_argument("--no-ner", action="store_true",
                     help="skip the NER model (countries and organisations still come from the gazetteers)")
    run.add_argument("--max-input-mb", type=megabytes, default=Settings.max_input_bytes / 2**20,
                     help="inputs larger than this are reported in errors instead of read (default: %(default)s)")
    run.add_argument("--follow-links", action="store_true",
                     help="read files and folders that symbolic links in INPUT point to outside it (default: such "
                          "links are listed in errors as outside-input; links within INPUT are always followed)")
    run.add_argument("--csv-bom", action="store_true",
                     help="start CSV files with a UTF-8 byte-order mark (helps Excel detect UTF-8)")
    run.add_argument("--partition-by-year", action="store_true",
                     help="also write OUT/by_year/TABLE/year=YYYY/part-0.parquet, Hive-partitioned by the "
                          "article's publication year (WIB)")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")
    run.add_argument("--verbose", action="store_true",
                     help=f"also show the run's log on the terminal (it is always written to OUT/{RUN_LOG})")
    add_batch_options(run)
    report = commands.add_parser("report", help="write OUT/report/index.html, an HTML report of the tables",
                                 description="Write OUT/report/index.html: counts, event timeline, most frequent "
                                             "actors, accessions, per-site counts (needs the report extra: "
                                             "pip install 'idnews-pipeline[report]').")
    report.add_argument("out", type=Path, help="an output folder written by the run command")
    validate = commands.add_parser("validate", help="check an output folder against its datapackage.json",
                                   description="Check every table of OUT against OUT/datapackage.json and this "
                                               "version's schemas: files present and unchanged, Arrow types, "
                                               "required values, allowed values, unique keys, foreign keys, CSV "
                                               "equal to Parquet. Exit code 0: valid; 1: problems found (listed); "
                                               "2: OUT holds no readable datapackage.json.")
    validate.add_argument("out", type=Path, help="an output folder written by the run command")
    return parser


def add_batch_options(run: argparse.ArgumentParser) -> None:
    batch = run.add_argument_group("batch runs", "Each article's stage results are cached; a re-run only "
                                   "computes what a changed input, rule, lexicon, model or code affects.")
    batch.add_argument("--workers", type=positive_int, default=os.cpu_count() or 1,
                       help="worker processes, each loading the NER model once (default: all %(default)s cores)")
    batch.add_argument("--cache-dir", type=Path, default=None,
                       help="where per-article stage results are kept (default: OUT/.cache)")
    batch.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    batch.add_argument("--force", action="store_true", help="re-run every stage of every article")
    batch.add_argument("--stages", type=stage_list, default=frozenset(),
                       help=f"re-run these stages (comma-separated: {', '.join(STAGES)}) and the stages after "
                            "them, e.g. --stages events")
    batch.add_argument("--chunk-size", type=positive_int, default=CHUNK_SIZE,
                       help="articles per task: NER tags their sentences together, and each finished task is "
                            "cached at once (default: %(default)s)")
    batch.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="local: this machine (--workers processes); dask: a Dask distributed cluster")
    batch.add_argument("--scheduler", default=None,
                       help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: start a LocalCluster "
                            "of --workers processes)")
    batch.add_argument("--parts-url", default=None,
                       help="where the workers write the table parts while the run goes: a folder or fsspec URL "
                            f"every worker can reach, e.g. s3://bucket/prefix (default: OUT/{PARTS_DIR})")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def megabytes(text: str) -> float:
    """A size in MB: a finite number of at least one byte (nan, inf, 0 and negatives are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value * 2**20):
        raise argparse.ArgumentTypeError(f"must be a finite number of MB, such as 10 or 0.5, not {text}")
    if value * 2**20 < 1:
        raise argparse.ArgumentTypeError(f"must be more than 0 MB (at least one byte), not {text}")
    return value


def stage_list(text: str) -> frozenset[str]:
    """'ner,events' → the named stages and every stage after the first of them."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in STAGES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown stage(s) {unknown}; choose from {', '.join(STAGES)}")
    return frozenset(STAGES[min(STAGES.index(name) for name in names):])


def options_from(args: argparse.Namespace) -> RunOptions:
    cache_dir = None if args.no_cache else (args.cache_dir or args.out / CACHE_DIR)
    return RunOptions(workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                      cache_dir=cache_dir, output_dir=args.out,
                      rerun=frozenset(STAGES) if args.force else args.stages,
                      chunk_size=args.chunk_size, progress=not args.quiet, parts_url=args.parts_url)


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(max_input_bytes=int(args.max_input_mb * 2**20), model_dir=args.model_dir,
                    use_ner=not args.no_ner, follow_links=args.follow_links)


def output_from(args: argparse.Namespace) -> OutputOptions:
    return OutputOptions(csv_bom=args.csv_bom, partition_by_year=args.partition_by_year)


def run_command(args: argparse.Namespace) -> int:
    if not args.input.is_dir():
        print(f"error: input folder not found: {args.input}", file=sys.stderr)
        return 2
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        with progress.run_log(args.out / RUN_LOG, args.verbose):
            return _logged_run(args)
    except OSError as exc:
        return _cannot_write(args.out, exc)


def _logged_run(args: argparse.Namespace) -> int:
    settings, options, output = settings_from(args), options_from(args), output_from(args)
    log.info("idnews-pipeline %s: %s → %s; %s", __version__, args.input, args.out,
             run_config(settings, options, output))
    try:
        knowledge = prepare(settings)     # a broken data file or a missing model stops the run before any page is read
    except KnowledgeError as exc:
        log.error("stopped before any page was read: %s", exc)
        print(f"error: {exc}\nNo page was read: fix the knowledge files above and run again.", file=sys.stderr)
        return 2
    except (FileNotFoundError, PipelineError) as exc:
        return _usage_error(exc)
    try:
        result = process_folder(args.input, settings, options, knowledge)
    except PipelineError as exc:          # the Dask engine missing or its scheduler unreachable
        return _usage_error(exc)
    except KeyboardInterrupt:
        log.warning("interrupted")
        print("interrupted: the previous outputs are unchanged; articles finished so far are cached, "
              "so the same command resumes from there", file=sys.stderr)
        return 130
    try:
        changed = write_outputs(result, args.out, csv_bom=output.csv_bom, partition_by_year=output.partition_by_year)
    except OSError as exc:
        return _cannot_write(args.out, exc)
    log.info("summary\n%s", result.summary())
    if not args.quiet:
        print(result.summary())
        print(f"tables written to {args.out}/" if changed else f"tables in {args.out}/ already up to date")
    return 0


def _usage_error(exc: Exception) -> int:
    message = exc.message if isinstance(exc, PipelineError) else str(exc)
    log.error("stopped before any output was written: %s", message)
    print(f"error: {message}", file=sys.stderr)
    return 2


def _cannot_write(out: Path, exc: OSError) -> int:
    log.error("cannot write outputs to %s", out, exc_info=exc)
    print(f"error: cannot write outputs to {out}: {exc.strerror or exc}; previous outputs there are unchanged",
          file=sys.stderr)
    return 3


def report_command(args: argparse.Namespace) -> int:
    try:
        from pipeline.report import render
    except ImportError as exc:
        print(f"error: the report needs {exc.name}: pip install 'idnews-pipeline[report]'", file=sys.stderr)
        return 2
    return render.main([str(args.out)])


def validate_command(args: argparse.Namespace) -> int:
    from pipeline.output.validate import validate

    try:
        violations = validate(args.out)
    except PipelineError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    for violation in violations:
        print(violation)
    print(f"{args.out}: {len(violations)} problem(s) found" if violations else f"{args.out}: valid")
    return 1 if violations else 0


COMMANDS = {"run": run_command, "report": report_command, "validate": validate_command}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
