"""Static HTML report of an output folder: ``python -m pipeline.report OUT`` → ``OUT/report/index.html``.

One self-contained file (plots are embedded PNGs): corpus summary (events counted once, and their tellings),
event timeline by type over the span that holds the events (by month for up to two years), most frequent actors
by actor_id, a latitude/longitude scatter of the events' places, accession table with status, per-site counts of
articles, boilerplate lines removed and errors.
"""
from __future__ import annotations

import base64
import html
import io
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")   # headless: no display is needed, and none is used when one exists
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from pipeline.report import data as report_data  # noqa: E402
from pipeline.output.layout import REPORT_DIR  # noqa: E402
from pipeline.record import PipelineError  # noqa: E402
from pipeline.swap import write_atomically  # noqa: E402

REPORT_PATH = Path(REPORT_DIR) / "index.html"
OTHER_COLOUR = "#333"      # an event type the rule files do not define (an older output folder)
LABEL_COLOURS = {"PERSON": "#1f77b4", "COUNTRY": "#2ca02c", "ORG": "#ff7f0e", "LOC": "#7f7f7f"}
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
.meta { color: #666; } .empty { color: #666; font-style: italic; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.5em 1em; min-width: 7em; }
.card b { display: block; font-size: 1.6em; }
table.data { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
table.data th, table.data td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
table.data th { background: #f4f4f4; } table.data tr:nth-child(even) td { background: #fafafa; }
img { max-width: 100%; height: auto; }
"""


def png_data_uri(figure) -> str:
    buffer = io.BytesIO()
    # no "Software" metadata: the same outputs give a byte-identical report
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def period_figure(events: pd.DataFrame, per_period: pd.DataFrame, colours: dict[str, str]):
    """Top: one dot per event on its date within the span. Bottom: events per month (or year), stacked by type."""
    figure, (dots, bars) = plt.subplots(2, 1, figsize=(10, 5.5), height_ratios=(3, 2), sharex=True)
    types, unit = list(per_period.columns), per_period.index.name
    first, last = per_period.index[0].start_time, per_period.index[-1].end_time
    dates_all = pd.to_datetime(events["date_start"])
    for row, event_type in enumerate(types):
        dates = dates_all[(events["event_type"] == event_type) & (dates_all >= first) & (dates_all <= last)]
        dots.scatter(dates, [row] * len(dates), s=40, alpha=0.6, color=colours.get(event_type, OTHER_COLOUR))
    dots.set_yticks(range(len(types)), types)
    dots.set_ylim(-0.6, len(types) - 0.4)
    dots.grid(axis="x", alpha=0.3)
    dots.set_title(f"Events by date (date_start), one dot per event, {first:%Y-%m} to {last:%Y-%m}")
    bottom = pd.Series(0, index=per_period.index)
    middles = [p.start_time + (p.end_time - p.start_time) / 2 for p in per_period.index]
    width = 25 if unit == "month" else 300
    for event_type in types:
        bars.bar(middles, per_period[event_type], width=width, bottom=bottom, label=event_type,
                 color=colours.get(event_type, OTHER_COLOUR))
        bottom = bottom + per_period[event_type]
    bars.set_ylabel(f"events per {unit}")
    bars.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    bars.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m" if unit == "month" else "%Y"))
    figure.tight_layout()
    return figure


def map_figure(points: pd.DataFrame, colours: dict[str, str]):
    """The events' places on longitude and latitude (no base map: nothing is downloaded), sized by articles."""
    figure, axis = plt.subplots(figsize=(10, 5))
    for event_type, rows in points.groupby("event_type"):
        axis.scatter(rows["longitude"], rows["latitude"], s=30 + 20 * rows["n_articles"], alpha=0.6,
                     color=colours.get(event_type, OTHER_COLOUR), label=event_type)
    for name, rows in points.groupby("location"):
        axis.annotate(name, (rows["longitude"].iloc[0], rows["latitude"].iloc[0]), fontsize=7, alpha=0.8)
    axis.set_xlim(-180, 180)
    axis.set_ylim(-60, 80)
    axis.set_xlabel("longitude")
    axis.set_ylabel("latitude")
    axis.grid(alpha=0.3)
    axis.legend(fontsize="small", loc="lower left")
    figure.tight_layout()
    return figure


def map_section(events: pd.DataFrame) -> str:
    types = report_data.event_types()
    points = report_data.place_points(events)
    body = (image(map_figure(points, {t.name: t.colour for t in types}), "event places by latitude and longitude")
            if len(points) else '<p class="empty">No event place was resolved to a city.</p>')
    return (f"<h2>Places</h2><p>{len(points)} of {len(events)} events at a city resolved in GeoNames (location, "
            "latitude, longitude; dot size: articles telling the event). Events at a country or an unresolved "
            "place are not drawn.</p>" + body)


def actors_figure(actors: pd.DataFrame):
    figure, axis = plt.subplots(figsize=(8, 0.35 * len(actors) + 1))
    names = [f"{actor} ({label})" for actor, label in zip(actors["actor"], actors["label"])]
    colours = [LABEL_COLOURS.get(label, "#333") for label in actors["label"]]
    axis.barh(names[::-1], actors["events"][::-1], color=colours[::-1])
    axis.set_xlabel("events the actor takes part in")
    axis.xaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    return figure


def sites_figure(sites: pd.DataFrame):
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 0.4 * len(sites) + 1.2), sharey=True)
    names = sites["site"][::-1]
    left.barh(names, sites["articles"][::-1], color="#1f77b4")
    left.set_xlabel("articles")
    left.xaxis.get_major_locator().set_params(integer=True)
    right.barh(names, sites["removed_lines"][::-1], color="#7f7f7f")
    right.set_xlabel("boilerplate lines removed")
    right.xaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    return figure


def html_table(frame: pd.DataFrame, empty: str) -> str:
    if frame.empty:
        return f'<p class="empty">{html.escape(empty)}</p>'
    return frame.to_html(index=False, border=0, classes="data", na_rep="", escape=True)


def image(figure, alt: str) -> str:
    return f'<img src="{png_data_uri(figure)}" alt="{html.escape(alt)}">'


def summary_cards(numbers: dict) -> str:
    cards = "".join(f'<div class="card"><b>{html.escape(str(v))}</b>{html.escape(k)}</div>'
                    for k, v in numbers.items())
    return f'<div class="cards">{cards}</div>'


def timeline_section(events: pd.DataFrame) -> str:
    if events.empty:
        return '<h2>Event timeline</h2><p class="empty">No events were extracted.</p>'
    types = report_data.event_types()
    first, last = report_data.plausible_years()
    plotted = events[pd.to_datetime(events["date_start"]).dt.year.between(first, last)]
    left_out = len(events) - len(plotted)
    note = (f'<p class="empty">{left_out} event(s) dated outside {first}–{last} (see their date_text in '
            "event_mentions.csv) are left out of the timeline.</p>") if left_out else ""
    if plotted.empty:
        return "<h2>Event timeline</h2>" + note
    per_period, outside = report_data.events_per_period(plotted, [t.name for t in types])
    figure = period_figure(plotted, per_period, {t.name: t.colour for t in types})
    note += (f"<p>Each event once, however many articles tell it. {outside} event(s) dated outside this span "
             "(the first and last five percent of dates) are not drawn.</p>")
    table = per_period.reset_index()
    table[per_period.index.name] = table[per_period.index.name].astype(str)
    return "<h2>Event timeline</h2>" + note + image(figure, "events by date and type") + html_table(table, "")


def actors_section(participants: pd.DataFrame) -> str:
    actors = report_data.top_actors(participants)
    body = image(actors_figure(actors), "most frequent actors") if len(actors) else ""
    return (f"<h2>Most frequent actors</h2><p>Up to {report_data.TOP_ACTORS} actors (event_participants, by "
            "actor_id: a person's aliases are one actor) in most events, each event counted once however many "
            "articles tell it; coloured by label.</p>" + body
            + html_table(actors, "No event participants."))


def sites_section(frames: dict) -> str:
    sites = report_data.site_table(frames)
    known = sites[(sites["site"] != report_data.NO_SITE)]
    body = image(sites_figure(known), "articles and removed lines per site") if len(known) else ""
    return ("<h2>Sites</h2><p>Articles, boilerplate lines the cleaner removed (see removed_lines) and inputs "
            "that failed (see errors), per site profile.</p>" + body + html_table(sites, "No articles.")
            + "<h3>Errors</h3>" + html_table(report_data.error_table(frames["errors"]), "No errors."))


def manifest_line(out_dir: Path) -> str:
    path = out_dir / "manifest.json"
    if not path.is_file():
        return ""
    manifest = json.loads(path.read_text(encoding="utf-8"))
    commit = (manifest.get("git_commit") or "unknown")[:10]
    return (f'<p class="meta">pipeline {html.escape(str(manifest.get("pipeline_version")))}, commit '
            f'{html.escape(commit)}, input <code>{html.escape(str(manifest.get("input")))}</code></p>')


def render(out_dir: Path) -> str:
    frames = report_data.load_outputs(out_dir)
    sections = [
        "<h1>Event data report</h1>", manifest_line(out_dir), summary_cards(report_data.summary(frames)),
        timeline_section(frames["events"]),
        actors_section(frames["event_participants"]),
        map_section(frames["events"]),
        "<h2>Accessions</h2><p>Which country moved toward membership of which organisation, at which stage, "
        "and whether it happened or is planned, proposed or cancelled.</p>"
        + html_table(report_data.accession_table(frames), "No accession events."),
        sites_section(frames),
        '<p class="meta">Tables: see datapackage.json and docs/data_dictionary.md.</p>',
    ]
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Event data report</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
            f'<body>{"".join(sections)}</body></html>\n')


def write_report(out_dir: Path) -> Path:
    """Render the report of the tables in ``out_dir`` into ``out_dir/report/index.html`` (atomically)."""
    path = Path(out_dir) / REPORT_PATH
    write_atomically(path, render(Path(out_dir)).encode("utf-8"))
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m pipeline.report OUT   (OUT: a folder written by `python -m pipeline run`)",
              file=sys.stderr)
        return 2
    try:
        path = write_report(Path(args[0]))
    except PipelineError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write the report into {args[0]}: {exc.strerror or exc}", file=sys.stderr)
        return 3
    print(f"report written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
