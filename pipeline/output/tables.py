"""Records → rows → Arrow tables (schemas from schema.py) → CSV and Parquet, swapped in together with
datapackage.json and the year partitions (pipeline/swap.py)."""
from __future__ import annotations

import csv
import io
from contextlib import nullcontext
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.output import actor_ids, arms, codebook, datapackage, events_across, partition, places, schema
from pipeline.output.layout import DATAPACKAGE, PARTITION_DIR
from pipeline.swap import Staging
from pipeline.record import Article, Event, InputStatus, Problem
from pipeline.settings import OutputOptions

UTF8_BOM = b"\xef\xbb\xbf"


# ---------------------------------------------------------------- rows per table

def article_rows(article: Article) -> Iterator[dict]:
    page, meta = article.page, article.meta
    yield {
        "article_id": page.article_id, "source_path": page.source_path, "input_format": page.input_format,
        "encoding": page.encoding, "site": meta.site or article.profile_id or "generic", "url": meta.url or page.url,
        "title": meta.title, "published_at": meta.published_at, "date_source": meta.date_source,
        "date_text": meta.date_text, "author": meta.author, "editor": meta.editor, "wire_source": meta.wire_source,
        "dateline": meta.dateline, "body": article.body, "captions": article.captions or None,
        "language": meta.language, "language_ok": meta.language_ok, "n_chars": len(article.body),
        "n_words": len(article.body.split()), "n_removed_lines": len({r.line_no for r in article.removed}),
        "n_mentions": len(article.mentions), "n_events": len(article.events), "body_kind": article.body_kind,
        "fetched_at": _fetched_at(page.html_meta.get("fetched_at")),
    }


def _fetched_at(text: str | None) -> datetime | None:
    """A web archive record's WARC-Date (ISO 8601, UTC), as an aware datetime; None when absent or unreadable."""
    try:
        when = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return when.replace(tzinfo=when.tzinfo or timezone.utc) if when else None


def removed_line_rows(article: Article) -> Iterator[dict]:
    """One row per removed piece of a line. A line can lose two pieces and keep the rest (a dateline opening it, a
    writer's initials closing it); the cleaner lists the pieces of a line in their order in it."""
    pieces: Counter = Counter()
    for removed in article.removed:
        yield {"article_id": article.article_id, "line_no": removed.line_no, "piece": pieces[removed.line_no],
               "rule_id": removed.rule_id, "text": removed.text}
        pieces[removed.line_no] += 1


def text_repair_rows(article: Article) -> Iterator[dict]:
    index: Counter = Counter()
    for repair in article.repairs:
        yield {"article_id": article.article_id, "field": repair.field, "repair_index": index[repair.field],
               "offset": repair.offset, "original": repair.original or None, "repaired": repair.repaired or None,
               "rule_id": repair.rule_id}
        index[repair.field] += 1


def mention_rows(article: Article) -> Iterator[dict]:
    for m in article.mentions:
        yield {"article_id": article.article_id, "field": m.field, "sentence_index": m.sentence_index,
               "start": m.start, "end": m.end, "text": m.text, "label": m.label, "canonical": m.canonical,
               "code": m.code, "source": m.source, "alias_id": m.alias_id, "person_title": m.title,
               "person_country": m.person_country}


def entity_rows(article: Article) -> Iterator[dict]:
    counts: Counter = Counter()
    first: dict[tuple, Any] = {}
    for m in article.mentions:
        key = (m.label, m.canonical, m.code)
        counts[key] += 1
        first.setdefault(key, m.text)
    for (label, canonical, code), n in counts.items():
        yield {"article_id": article.article_id, "label": label, "canonical": canonical, "code": code,
               "n_mentions": n, "first_text": first[(label, canonical, code)]}


def _event_mention_row(article: Article, event: Event) -> dict:
    main, when = event.evidence[0], event.date
    return {
        "mention_id": event.event_id, "event_id": event.event_id, "join_rule": events_across.ALONE,
        "article_id": article.article_id, "event_type": event.event_type,
        "subtype": event.subtype, "accession_stage": accession_stage(event.event_type, event.subtype, event.status),
        "cameo_code": event.cameo_code, "plover_type": event.plover_type,
        **codebook.codebook_fields(event.cameo_code, event.event_type, event.subtype),
        "date_start": when.start, "date_end": when.end, "date_precision": when.precision,
        "date_approximate": when.approximate, "date_text": when.text, "date_basis": when.basis,
        "date_rule_id": when.rule_id, **places.place_fields(event.location, main.sentence, article.meta.dateline),
        "field": event.field, "trigger": main.trigger,
        "sentence": main.sentence, "sentence_start": main.start, "sentence_end": main.end,
        "weapons": "; ".join(event.weapons) or None, "value": event.value, **arms.arms_fields(event),
        "status": event.status,
        "status_cue": event.status_cue, "status_cue_start": event.status_cue_start,
        "status_cue_end": event.status_cue_end, "rule_id": event.rule_id,
        "confidence": event.confidence, "n_sentences": len(event.evidence),
    }


def accession_stage(event_type: str, subtype: str | None, status: str) -> str | None:
    """An ACCESSION's stage only when it happened: interest, support or a plan is no membership."""
    return subtype if event_type == "ACCESSION" and status == "happened" else None


def event_mention_rows(article: Article) -> Iterator[dict]:
    """Each telling of the article; its event_id is its own until the run groups the tellings across articles
    (pipeline/output/events_across.py)."""
    for event in article.events:
        yield _event_mention_row(article, event)


def event_evidence_rows(article: Article) -> Iterator[dict]:
    for event in article.events:
        for index, ev in enumerate(event.evidence):
            yield {"mention_id": event.event_id, "article_id": article.article_id, "evidence_index": index,
                   "field": ev.field, "sentence_index": ev.sentence_index, "sentence_start": ev.start,
                   "sentence_end": ev.end, "trigger": ev.trigger, "trigger_start": ev.trigger_start,
                   "trigger_end": ev.trigger_end, "rule_id": ev.rule_id or event.rule_id,
                   "sentence": ev.sentence}


def mention_participant_rows(article: Article) -> Iterator[dict]:
    people = actor_ids.fuller_names(m.canonical for m in article.mentions if m.label == "PERSON")
    for event in article.events:
        seen = set()
        for p in event.participants:
            if (p.role, p.canonical) in seen:
                continue
            seen.add((p.role, p.canonical))
            yield {"mention_id": event.event_id, "article_id": article.article_id, "role": p.role,
                   "canonical": p.canonical, "label": p.label, "code": p.code, "actor_kind": p.actor_kind,
                   "actor_basis": p.actor_basis, **actor_ids.actor_fields(p, people), "text": p.text,
                   "start": p.start, "end": p.end}


ARTICLE_ROW_BUILDERS = {
    "articles": article_rows,
    "removed_lines": removed_line_rows,
    "text_repairs": text_repair_rows,
    "mentions": mention_rows,
    "entities": entity_rows,
    "event_mentions": event_mention_rows,
    "event_evidence": event_evidence_rows,
    "mention_participants": mention_participant_rows,
}


def problem_row(problem: Problem) -> dict:
    return {"source_path": problem.source_path, "stage": problem.stage, "kind": problem.kind,
            "message": problem.message, "article_id": problem.article_id}


def input_row(status: InputStatus) -> dict:
    return {"source_path": status.source_path, "status": status.status, "article_id": status.article_id,
            "duplicate_of": status.duplicate_of, "records_skipped": status.records_skipped}


# ---------------------------------------------------------------- arrow tables

def _sort_key(table: schema.Table):
    def key(row: dict):
        return tuple("" if row[c] is None else row[c] for c in table.sort_by)
    return key


def to_arrow(table: schema.Table, rows: Iterable[dict]) -> pa.Table:
    ordered = sorted(rows, key=_sort_key(table))
    arrays = {}
    for column in table.columns:
        values = [row.get(column.name) for row in ordered]
        arrays[column.name] = pa.array(values, type=column.type)
    return pa.table(arrays, schema=table.arrow_schema)


def build_tables(articles: Iterable[Article], problems: Iterable[Problem],
                 inputs: Iterable[InputStatus]) -> dict[str, pa.Table]:
    """Every table of these records, in memory (the run writes a chunk's at a time: ``article_tables``, and
    groups the tellings across articles as it writes)."""
    built = article_tables(articles)
    return {**events_across.grouped_tables(built), **run_tables(problems, inputs)}


def article_tables(articles: Iterable[Article]) -> dict[str, pa.Table]:
    """The tables made of articles (all but inputs and errors), each in its order."""
    articles = list(articles)
    return {name: to_arrow(schema.TABLES_BY_NAME[name], (row for article in articles for row in builder(article)))
            for name, builder in ARTICLE_ROW_BUILDERS.items()}


def run_tables(problems: Iterable[Problem], inputs: Iterable[InputStatus]) -> dict[str, pa.Table]:
    """The tables of a run's inputs and problems, each in its order."""
    return {"inputs": to_arrow(schema.INPUTS, map(input_row, inputs)),
            "errors": to_arrow(schema.ERRORS, map(problem_row, problems))}


# ---------------------------------------------------------------- writing

# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(…)" in a scraped title).
# As OWASP recommends for CSV injection, such a cell gets a leading apostrophe in the CSV (Excel, LibreOffice
# and Google Sheets show the text, not a formula); the Parquet value is left exact.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"


def csv_text(value: str) -> str:
    """A string as its CSV cell: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    return FORMULA_GUARD + value if value.startswith(FORMULA_START) else value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}"
    return value


def csv_header(column_names: list[str], bom: bool = False) -> bytes:
    line = io.StringIO(newline="")
    csv.writer(line, lineterminator="\n").writerow(column_names)
    return (UTF8_BOM if bom else b"") + line.getvalue().encode("utf-8")


def csv_rows(table: pa.Table) -> bytes:
    """The table's rows as CSV lines (no header)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    columns = [table.column(name).to_pylist() for name in table.column_names]
    for row in zip(*columns):
        cells = [_csv_cell(v) for v in row]
        if any(isinstance(c, str) and "\r" in c for c in cells):
            buffer.write(_row_quoting_carriage_returns(cells))
        else:
            writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def csv_bytes(table: pa.Table, bom: bool = False) -> bytes:
    return csv_header(table.column_names, bom) + csv_rows(table)


def _row_quoting_carriage_returns(cells: list) -> str:
    """The csv module quotes a cell holding a character of the line terminator but not a lone "\r", which
    readers take for a line end (a file name with a carriage return would split its row in two): such a row
    is written by a writer whose terminator holds "\r", then ended with the usual "\n"."""
    line = io.StringIO(newline="")
    csv.writer(line, lineterminator="\r\n").writerow(cells)
    return line.getvalue()[:-2] + "\n"


PARQUET_OPTIONS = {"compression": "zstd", "write_statistics": True}
ROW_GROUP_BYTES = 8 << 20      # rows gathered (in memory) per Parquet row group of a streamed table


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **PARQUET_OPTIONS)
    return sink.getvalue().to_pybytes()


def write_tables(tables: Mapping[str, pa.Table | Iterable[pa.Table]], out_dir: Path,
                 output: OutputOptions = OutputOptions(), event_types: Sequence[str] | None = None,
                 provenance: datapackage.Provenance | None = None) -> dict[Path, str]:
    """Every table as CSV and Parquet, datapackage.json describing them (``event_types``: the run's, default
    the package's; ``provenance``: its input folder, model and knowledge) and, when asked for, the year
    partitions (else an old ``by_year/`` goes): swapped in together or not at all. A table is given whole or
    as batches in its order (streamed: only a row group is in memory at a time). Returns every file's SHA-256."""
    out_dir = Path(out_dir)
    with Staging() as staged:
        with _year_partitions(staged, out_dir / PARTITION_DIR, output.partition_by_year) as years:
            files = {}
            for table in schema.TABLES:       # articles first: the year partitions learn the years from it
                if table.name in tables:
                    given = tables[table.name]
                    batches = [given] if isinstance(given, pa.Table) else given
                    files[table.name] = _stage_table(staged, out_dir, table, batches, output.csv_bom, years)
        staged.write(out_dir / DATAPACKAGE, datapackage.datapackage_bytes(files, event_types, provenance))
        staged.commit()
    return dict(sorted(staged.digests.items()))


def _year_partitions(staged: Staging, target: Path, wanted: bool):
    """The year partitions to fill, or (when not wanted) nothing, and an old copy a run wrote goes with the swap
    (a folder of that name holding anything else is the user's: it stays)."""
    if wanted:
        return partition.YearPartitions(staged, target)
    if _partitions_only(target):
        staged.remove(target)
    return nullcontext()


def _partitions_only(folder: Path) -> bool:
    """``folder`` holds nothing but year partitions as a run writes them: TABLE/year=YYYY/part-0.parquet."""
    try:
        for table in folder.iterdir():
            if table.name not in schema.TABLES_BY_NAME or not table.is_dir():
                return False
            for year in table.iterdir():
                if not year.name.startswith(f"{partition.YEAR}=") or not year.is_dir():
                    return False
                if any(part.name != partition.PART_FILE for part in year.iterdir()):
                    return False
    except OSError:             # no such folder (nothing to remove), or not one
        return False
    return True


def _stage_table(staged: Staging, out_dir: Path, table: schema.Table, batches: Iterable[pa.Table], bom: bool,
                 years: partition.YearPartitions | None) -> datapackage.TableFiles:
    """Stream one table's batches into its staged CSV and Parquet files (and its year partitions)."""
    csv_path, parquet_path = out_dir / f"{table.name}.csv", out_dir / f"{table.name}.parquet"
    with staged.open(csv_path) as csv_file, staged.open(parquet_path) as parquet_file, \
            pq.ParquetWriter(parquet_file, table.arrow_schema, **PARQUET_OPTIONS) as parquet:
        csv_file.write(csv_header(table.column_names, bom))
        group: list[pa.Table] = []
        for batch in batches:
            csv_file.write(csv_rows(batch))
            if years is not None:
                years.add(table.name, batch)
            group.append(batch)
            if sum(rows.nbytes for rows in group) >= ROW_GROUP_BYTES:
                parquet.write_table(_row_group(group))
                group = []
        if group:
            parquet.write_table(_row_group(group))
    return datapackage.TableFiles(csv=datapackage.WrittenFile(staged.sizes[csv_path], staged.digests[csv_path], bom),
                                  parquet=datapackage.WrittenFile(staged.sizes[parquet_path],
                                                                  staged.digests[parquet_path]))


def _row_group(batches: list[pa.Table]) -> pa.Table:
    """Batches as one row group, each categorical column's dictionary in the order its values first appear
    (as ``to_arrow`` builds it), so the file does not depend on how the rows were cut into parts."""
    rows = pa.concat_tables(batches)
    for i, field in enumerate(rows.schema):
        if pa.types.is_dictionary(field.type):
            plain = pc.cast(rows.column(i), field.type.value_type)
            rows = rows.set_column(i, field, pc.dictionary_encode(plain).cast(field.type))
    return rows.combine_chunks()
