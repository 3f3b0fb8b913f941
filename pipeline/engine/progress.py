"""What a run shows a person: a progress bar on a terminal, and a one-screen summary at the end."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

from pipeline.engine.cache import ARTICLE_STAGES


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass


@contextmanager
def bar(total: int, enabled: bool) -> Iterator:
    """tqdm on stderr (articles done, rate, ETA) when asked for and stderr is a terminal; otherwise silent."""
    if not (enabled and total and sys.stderr.isatty()):
        yield _NoBar()
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="article", desc="annotating", file=sys.stderr, smoothing=0.1) as shown:
        yield shown


def summary(result) -> str:
    n_in, done = len(result.inputs), result.count("processed")
    dup, err = result.count("duplicate"), result.count("error")
    stages = "  ".join(f"{stage} {result.computed[stage]}/{result.cached[stage]}" for stage in ARTICLE_STAGES)
    times = "  ".join(f"{k} {v:.2f}s" for k, v in result.seconds_per_stage.items())
    lines = [
        f"inputs    {n_in} = processed {done} + duplicates {dup} + errors {err}",
        f"articles  {len(result.articles)} written; {sum(len(a.events) for a in result.articles)} events, "
        f"{sum(len(a.mentions) for a in result.articles)} mentions",
        f"stages    run/cached: {stages}",
        f"time      {times}",
    ]
    if getattr(result, "excluded", None):
        lines.insert(1, f"left out  {', '.join(result.excluded[:3])}{' ...' if len(result.excluded) > 3 else ''}: "
                        "written by this pipeline, not inputs (listed in manifest.json)")
    if result.started_at and result.ended_at:
        wall = datetime.fromisoformat(result.ended_at) - datetime.fromisoformat(result.started_at)
        lines[-1] += f"  (wall {wall.total_seconds():.0f}s; stage times add up across workers)"
    corrupt = sum(n for key, n in result.cache_stats.items() if key.endswith("corrupt"))
    unwritten = sum(n for key, n in result.cache_stats.items() if key.endswith("write-error"))
    undeleted = result.cache_stats.get("delete-error", 0)
    if corrupt or unwritten or undeleted:
        lines.append(f"cache     {corrupt} damaged entries recomputed, {unwritten} entries not written, "
                     f"{undeleted} stale entries not deleted (disk full or read-only?)")
    return "\n".join(lines)
