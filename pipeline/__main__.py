"""Command line: ``python -m pipeline run INPUT --out DIR`` (also installed as ``idnews-pipeline``), and
``report OUT`` (the HTML report) and ``validate OUT`` (the folder against its datapackage.json).

Only the standard library and light pipeline modules are imported up front: a re-run that finds its tables
current (pipeline/engine/current.py) never imports the stages' libraries (pandas, pyarrow, dateparser, torch).
"""
from __future__ import annotations

import argparse
import logging
import math
import os
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.engine import current, progress
from pipeline.knowledge import files_digest
from pipeline.output.layout import CACHE_DIR, PARTS_DIR, RUN_LOG
from pipeline.record import STAGES, PipelineError, utc_now
from pipeline.settings import CHUNK_SIZE, MODEL_DIR_ENV, OutputOptions, RunOptions, Settings, default_model_dir

log = logging.getLogger("pipeline.cli")

# Exit codes of `run` (also in --help and README, "Exit codes").
EXIT_OK, EXIT_FAILED_INPUTS, EXIT_USAGE, EXIT_CANNOT_WRITE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_CODES = f"""exit codes:
  {EXIT_OK}    the tables were written (or were already up to date); inputs that failed are rows of errors.csv
  {EXIT_FAILED_INPUTS}    --strict, and at least one input failed (the count is printed; the tables are written)
  {EXIT_USAGE}    nothing was run: missing input folder or NER model, broken knowledge files, bad options
  {EXIT_CANNOT_WRITE}    the outputs could not be written (the previous outputs are unchanged)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); the same command resumes from the cache"""


def program_name(argv0: str | None = None) -> str:
    """The name the program was invoked by: ``idnews-pipeline``, or ``python -m pipeline``."""
    name = os.path.basename(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else ""))
    return "python -m pipeline" if name in ("", "__main__.py", "-c") else name


class VersionAction(argparse.Action):
    """``--version``: the pipeline's version and the digests of the model and knowledge it runs with (computed
    only when asked for: the model's 19 MB are hashed)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text(parser.prog))
        parser.exit()


def version_text(prog: str) -> str:
    model_dir = default_model_dir()
    model = current.model_digest(model_dir)[:12] or "none found"
    return f"{prog} {__version__} (model {model} in {model_dir}; knowledge {files_digest()[:12]})"


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or program_name(), epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Turn a folder of scraped Indonesian news pages into tidy event tables (CSV + Parquet).")
    parser.add_argument("-V", "--version", action=VersionAction,
                        help="show the version, with the digests of the NER model and the knowledge files, and exit")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="process a folder of pages", epilog=EXIT_CODES,
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              description="Read every .txt/.html/.htm/.json/.jsonl file below INPUT (recursively; "
                                          "also compressed: .gz/.bz2/.xz/.zst) and web archives (.warc, "
                                          ".warc.gz), and write articles, removed_lines, text_repairs, mentions, "
                                          "entities, event_mentions, event_evidence, mention_participants, events "
                                          "(one per real-world event, across articles), event_participants, dyads, "
                                          "membership_history, inputs and errors tables "
                                          "as CSV and Parquet into --out, plus datapackage.json (Frictionless Data "
                                          "Package describing the CSVs) and manifest.json.")
    run.add_argument("input", type=Path, help="folder of scraped pages (searched recursively)")
    run.add_argument("-o", "--out", type=Path, default=Path("outputs"), help="output folder (default: outputs)")
    run.add_argument("--model-dir", type=Path, default=None,
                     help=f"folder holding the Stanza NER model files (default: ${MODEL_DIR_ENV} if set, else the "
                          "model shipped with the package)")
    run.add_argument("--no-ner", action="store_true",
                     help="skip the NER model (countries and organisations still come from the gazetteers)")
    run.add_argument("--max-input-mb", type=megabytes, default=Settings.max_input_bytes / 2**20,
                     help="inputs larger than this are reported in errors instead of read; in a compressed dump "
                          "or web archive, each decompressed page (default: %(default)s)")
    run.add_argument("--follow-links", action="store_true",
                     help="read files and folders that symbolic links in INPUT point to outside it (default: such "
                          "links are listed in errors as outside-input; links within INPUT are always followed)")
    run.add_argument("--csv-bom", action="store_true",
                     help="start CSV files with a UTF-8 byte-order mark (helps Excel detect UTF-8)")
    run.add_argument("--partition-by-year", action="store_true",
                     help="also write OUT/by_year/TABLE/year=YYYY/part-0.parquet, Hive-partitioned by the "
                          "article's publication year (WIB)")
    run.add_argument("--strict", action="store_true",
                     help=f"exit with {EXIT_FAILED_INPUTS} when any input failed (the tables are written all the same)")
    talk = run.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    talk.add_argument("-v", "--verbose", action="store_true",
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
    batch.add_argument("-w", "--workers", type=positive_int, default=os.cpu_count() or 1,
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
    return Settings(max_input_bytes=int(args.max_input_mb * 2**20), model_dir=args.model_dir or default_model_dir(),
                    use_ner=not args.no_ner, follow_links=args.follow_links)


def output_from(args: argparse.Namespace) -> OutputOptions:
    return OutputOptions(csv_bom=args.csv_bom, partition_by_year=args.partition_by_year)


def run_command(args: argparse.Namespace) -> int:
    if not args.input.is_dir():
        print(f"error: input folder not found: {args.input}", file=sys.stderr)
        return EXIT_USAGE
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        with progress.run_log(args.out / RUN_LOG, args.verbose):
            return _logged_run(args)
    except OSError as exc:
        return _cannot_write(args.out, exc)


def _logged_run(args: argparse.Namespace) -> int:
    settings, options, output = settings_from(args), options_from(args), output_from(args)
    started_at, config = utc_now(), current.run_config(settings, options, output)
    check = current.quick_check(args.input, settings, options, output)
    if check.manifest is not None:
        current.record_current_run(args.out, check.manifest, config, started_at)
        return _already_current(args, check.manifest)
    from pipeline.api import prepare, process_folder, write_outputs    # the stages' libraries, from here on
    from pipeline.knowledge import KnowledgeError

    log.info("idnews-pipeline %s: %s → %s; %s", __version__, args.input, args.out, config)
    try:
        knowledge = prepare(settings)     # a broken data file or a missing model stops the run before any page is read
    except KnowledgeError as exc:
        log.error("stopped before any page was read: %s", exc)
        print(f"error: {exc}\nNo page was read: fix the knowledge files above and run again.", file=sys.stderr)
        return EXIT_USAGE
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
        return EXIT_INTERRUPTED
    try:
        changed = write_outputs(result, args.out, csv_bom=output.csv_bom, partition_by_year=output.partition_by_year,
                                inputs_key=check.key)
    except OSError as exc:
        return _cannot_write(args.out, exc)
    log.info("summary\n%s", result.summary())
    if not args.quiet:
        print(result.summary())
        print(f"tables written to {args.out}/" if changed else f"tables in {args.out}/ already up to date")
    return _strict_exit(args, result.count("error"))


def _already_current(args: argparse.Namespace, manifest: dict) -> int:
    """Nothing changed since the run that wrote OUT: its counts; the tables are left as they are."""
    counts = manifest.get("counts") or {}
    summary = (f"inputs    {counts.get('inputs', 0)} = processed {counts.get('processed', 0)} + duplicates "
               f"{counts.get('duplicates', 0)} + errors {counts.get('errors', 0)}\n"
               f"articles  {counts.get('articles', 0)}; {counts.get('events', 0)} events, "
               f"{counts.get('mentions', 0)} mentions\n"
               "stages    none run: inputs, code, knowledge, model, settings and libraries are those of the run "
               f"that wrote {args.out}/ (at {manifest.get('ended_at')})")
    log.info("idnews-pipeline %s: %s → %s; nothing changed since the last run\n%s", __version__, args.input,
             args.out, summary)
    if not args.quiet:
        print(summary)
        print(f"tables in {args.out}/ already up to date")
    return _strict_exit(args, int(counts.get("errors", 0)))


def _strict_exit(args: argparse.Namespace, failed: int) -> int:
    if not (args.strict and failed):
        return EXIT_OK
    print(f"strict: {failed} input(s) failed (rows of {args.out}/errors.csv)", file=sys.stderr)
    return EXIT_FAILED_INPUTS


def _usage_error(exc: Exception) -> int:
    message = exc.message if isinstance(exc, PipelineError) else str(exc)
    log.error("stopped before any output was written: %s", message)
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _cannot_write(out: Path, exc: OSError) -> int:
    log.error("cannot write outputs to %s", out, exc_info=exc)
    print(f"error: cannot write outputs to {out}: {exc.strerror or exc}; previous outputs there are unchanged",
          file=sys.stderr)
    return EXIT_CANNOT_WRITE


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
