"""The figures' and tables' data for the HTML report, computed from an output folder with pandas."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pandas as pd

from pipeline.knowledge import load_knowledge
from pipeline.compiled import compile_knowledge
from pipeline.knowledge.rulebook import EventType
from pipeline.output.load import load

REPORT_TABLES = ("articles", "event_mentions", "events", "event_participants", "inputs", "errors")
NO_SITE = "(unknown: failed before cleaning)"
TOP_ACTORS = 15


def load_outputs(out_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables the report needs, as pandas frames with plain (non-categorical) strings."""
    frames = load(out_dir, REPORT_TABLES)
    for frame in frames.values():
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = frame[column].astype(object)
    return dict(frames)


def summary(frames: dict[str, pd.DataFrame]) -> dict[str, object]:
    inputs, articles = frames["inputs"], frames["articles"]
    status = inputs["status"].value_counts()
    published = articles["published_at"].dropna()
    return {
        "inputs": len(inputs), "processed": int(status.get("processed", 0)),
        "duplicates": int(status.get("duplicate", 0)), "errors": int(status.get("error", 0)),
        "articles": len(articles), "events": len(frames["events"]), "event mentions": len(frames["event_mentions"]),
        "events told by 2+ articles": int((frames["events"]["n_articles"] > 1).sum()),
        "sites": articles["site"].nunique(),
        "published": (f"{published.min():%Y-%m-%d} to {published.max():%Y-%m-%d}" if len(published) else "unknown"),
    }


def event_types() -> tuple[EventType, ...]:
    """The event types of the package's rule files, in their order, each with its colour."""
    return compile_knowledge(load_knowledge()).event_types


def plausible_years() -> tuple[int, int]:
    """The years a date can lie in (lexicons/meta_dates.toml): a timeline from year 1 to 9999 shows nothing."""
    return compile_knowledge(load_knowledge()).metadata.dates.years


def events_per_year(events: pd.DataFrame, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Event counts, one row per year of date_start, one column per event type (in ``order``, default the
    rule files' order; types it does not know come last)."""
    order = [t.name for t in event_types()] if order is None else list(order)
    years = pd.to_datetime(events["date_start"]).dt.year.rename("year")
    counts = events.groupby([years, events["event_type"].rename("type")]).size().unstack(fill_value=0)
    ordered = [t for t in order if t in counts.columns] + sorted(set(counts.columns) - set(order))
    counts = counts.reindex(columns=ordered).astype(int)
    counts.columns.name = None
    return counts


SPAN_QUANTILES = (0.05, 0.95)     # the timeline's span: the dates that hold all but the outlying events
MONTHLY_DAYS = 2 * 366            # a span up to two years is drawn by month


def timeline_span(events: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """(first day, last day, "month" or "year") of the span that holds the events (all but the outlying first
    and last five percent: a 1955 anniversary does not stretch a 2025 corpus), by month when it is up to two years."""
    dates = pd.to_datetime(events["date_start"])
    low, high = dates.quantile(SPAN_QUANTILES[0]), dates.quantile(SPAN_QUANTILES[1])
    monthly = (high - low).days <= MONTHLY_DAYS
    if monthly:
        return low.to_period("M").start_time, high.to_period("M").end_time.normalize(), "month"
    return low.to_period("Y").start_time, high.to_period("Y").end_time.normalize(), "year"


def events_per_period(events: pd.DataFrame, order: Sequence[str] | None = None
                      ) -> tuple[pd.DataFrame, int]:
    """Event counts per month (or year) of the timeline's span, one column per type; and the number of events
    outside the span."""
    order = [t.name for t in event_types()] if order is None else list(order)
    first, last, unit = timeline_span(events)
    dates = pd.to_datetime(events["date_start"])
    inside = events[(dates >= first) & (dates <= last)]
    periods = pd.to_datetime(inside["date_start"]).dt.to_period("M" if unit == "month" else "Y").rename(unit)
    counts = inside.groupby([periods, inside["event_type"].rename("type")]).size().unstack(fill_value=0)
    every = pd.period_range(first, last, freq="M" if unit == "month" else "Y", name=unit)
    ordered = [t for t in order if t in counts.columns] + sorted(set(counts.columns) - set(order))
    counts = counts.reindex(index=every, columns=ordered, fill_value=0).astype(int)
    counts.columns.name = None
    return counts, len(events) - len(inside)


def place_points(events: pd.DataFrame) -> pd.DataFrame:
    """The events with a resolved point (a city): latitude, longitude, type, the articles telling them."""
    placed = events.dropna(subset=["latitude", "longitude"])
    return placed[["location", "latitude", "longitude", "event_type", "n_articles"]]


def top_actors(participants: pd.DataFrame, n: int = TOP_ACTORS) -> pd.DataFrame:
    """The actors (by actor_id, aliases resolved) in most events (each counted once, however many articles
    tell it): name (the one given most), label, events, mentions (tellings naming the actor), actor_id."""
    columns = ["actor", "label", "events", "mentions", "actor_id"]
    if participants.empty:
        return pd.DataFrame(columns=columns)
    grouped = participants.groupby("actor_id")
    actors = pd.DataFrame({"actor": grouped["canonical"].agg(lambda names: names.value_counts().index[0]),
                           "label": grouped["label"].first(), "events": grouped["event_id"].nunique(),
                           "mentions": grouped["n_mentions"].sum()}).reset_index()
    actors = actors.sort_values(["events", "mentions", "actor_id"], ascending=[False, False, True]).head(n)
    return actors[columns].reset_index(drop=True)


def accession_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per (joining country, organisation) of each ACCESSION event (counted once), in date order, with
    its status (a membership planned or proposed is not one held) and its first telling's site and sentence."""
    events = frames["events"]
    accessions = events[events["event_type"] == "ACCESSION"]
    people = frames["event_participants"]
    joiners = people[people["role"] == "joiner"][["event_id", "canonical", "code"]]
    organisations = people[people["role"] == "organisation"][["event_id", "canonical"]]
    first = frames["event_mentions"][["mention_id", "article_id", "sentence"]].rename(
        columns={"mention_id": "first_mention_id"})
    rows = (accessions.merge(joiners, on="event_id")
            .merge(organisations, on="event_id", suffixes=("_country", "_organisation"))
            .merge(first, on="first_mention_id", how="left")
            .merge(frames["articles"][["article_id", "site", "title"]], on="article_id", how="left"))
    table = pd.DataFrame({
        "country": rows["canonical_country"], "code": rows["code"], "organisation": rows["canonical_organisation"],
        "stage": rows["subtype"], "status": rows["status"], "date": rows["date_start"].astype(str),
        "precision": rows["date_precision"], "articles": rows["n_articles"], "site": rows["site"],
        "evidence": rows["sentence"]})
    return table.sort_values(["date", "country", "organisation"]).reset_index(drop=True)


def site_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per site: articles, boilerplate lines removed, and errors (those whose page was read but failed later
    are counted under the site only when it is known; the rest under a row of their own)."""
    articles = frames["articles"]
    per_site = articles.groupby("site").agg(articles=("article_id", "size"),
                                            removed_lines=("n_removed_lines", "sum"),
                                            events=("n_events", "sum"))
    site_of = dict(zip(articles["article_id"], articles["site"]))
    error_sites = pd.Series([site_of.get(a, NO_SITE) for a in frames["errors"]["article_id"]], dtype=object)
    per_site = per_site.join(error_sites.value_counts().rename("errors"), how="outer").fillna(0).astype(int)
    per_site.index.name = "site"
    per_site["removed_per_article"] = (per_site["removed_lines"] / per_site["articles"].where(
        per_site["articles"] > 0)).round(1)
    per_site = per_site.sort_values(["articles", "errors"], ascending=False)
    return per_site.reset_index()


def error_table(errors: pd.DataFrame) -> pd.DataFrame:
    return errors[["source_path", "stage", "kind", "message"]].sort_values(["source_path", "stage"])
