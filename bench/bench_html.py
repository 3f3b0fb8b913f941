"""Speed of HTML pages through ingest + clean + metadata, on one core (this process, no NER).

    python bench/bench_html.py [--copies 20] [--pad-kb 180] [--json FILE]

Pages come from tests/pages/html/ and the HTML pages of corpus/ (one or more per site profile, plus pages
of unknown sites). Real article pages weigh 150-400 KB, most of it menus, inline scripts and data,
related-article lists and footers, so each sample page is padded to about ``--pad-kb`` KB with such markup
(never inside the article body) before it is timed; half of that markup carries the usual names (<nav>,
"box-terpopuler") and half neutral ones ("wrap-top", "col-md-4") that no boilerplate rule knows. Every copy
differs by a counter in the padding, so no copy is a byte duplicate. Reported: pages/s overall, for pages
whose body the site profile's selectors found, and for the others (unknown sites, a layout the selectors do
not know), read by trafilatura; and the time per page in each step (decode, HTML extraction, clean,
metadata). Times are CPU time of this process (time.process_time), so other work on the machine inflates
them less than it would wall time.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from pipeline.annotate import clean
from pipeline.ingest import html_extract
from pipeline.ingest import pages as ingest
from pipeline.annotate import metadata  # noqa: E402
from pipeline.knowledge import load_knowledge  # noqa: E402
from pipeline.compiled import Compiled, compile_knowledge  # noqa: E402
from pipeline.record import Page  # noqa: E402

PAGES_DIR = REPO_DIR / "tests" / "pages" / "html"
CORPUS_DIR = REPO_DIR / "corpus"
MENU = ["Berita", "Nasional", "Internasional", "Ekonomi", "Bisnis", "Olahraga", "Sepak Bola", "Otomotif", "Tekno",
        "Hiburan", "Gaya Hidup", "Kesehatan", "Travel", "Kuliner", "Foto", "Video", "Infografis", "Opini", "Indeks"]


def padding(n: int, kb: int) -> tuple[str, str]:
    """(head markup, body markup) of about ``kb`` KB: tracking scripts, inline JSON state, menus, lists."""
    state = json.dumps({"page": n, "ads": [{"slot": f"/21765/desktop/{i}", "sizes": [[300, 250], [728, 90]]}
                                           for i in range(40)], "menu": MENU * 4})
    script = (f"<script>window.__STATE_{n}__ = {state};"
              "(function(){var s=document.createElement('script');s.async=true;"
              "s.src='https://cdn.example/analytics.js';document.head.appendChild(s);})();</script>\n")
    menu = "<nav class='mega-menu'>" + "".join(
        f"<div class='col'><h4>{m}</h4><ul>" + "".join(f"<li><a href='/{m}/{i}'>{m} {i}</a></li>" for i in range(12))
        + "</ul></div>" for m in MENU) + "</nav>\n"
    related = "<div class='box-terpopuler'><ul>" + "".join(
        f"<li><a href='/read/{n}/{i}'><img src='/thumb/{i}.jpg' alt=''>Judul berita populer nomor {i} hari ini</a>"
        f"<span class='date'>Senin, 1{i % 9} Januari 2024 0{i % 9}:15 WIB</span></li>"
        for i in range(60)) + "</ul></div>\n"
    # the same blocks under neutral names, which no boilerplate rule knows: trafilatura has to cope with them
    neutral = (menu.replace("<nav class='mega-menu'>", "<div class='wrap-top'>").replace("</nav>", "</div>")
               + related.replace("box-terpopuler", "col-md-4 list-wrap"))
    head, body = "", ""
    while len(head) + len(body) < kb * 1024:
        head += script
        body += menu + related + neutral
    return head, body


def padded(html: str, n: int, kb: int) -> str:
    head, body = padding(n, kb)
    html = html.replace("</head>", head + "</head>", 1)
    html = re.sub(r"<body[^>]*>", lambda m: m.group(0) + "\n" + body[: len(body) // 2], html, count=1)
    return html.replace("</body>", body[len(body) // 2:] + "</body>", 1)


def one_page(data: bytes, name: str, compiled: Compiled) -> dict[str, float]:
    times = {}
    started = time.process_time()
    text, encoding = ingest.decode(data, html_extract.declared_charset(data))
    times["decode"] = time.process_time() - started
    started = time.process_time()
    body, meta = html_extract.extract(text, None, compiled.pages)
    page = Page(ingest.article_id(body), name, body, encoding, "html", meta.get("url"), meta)
    times["extract"] = time.process_time() - started
    started = time.process_time()
    article = clean.clean(page, compiled.profiles)
    times["clean"] = time.process_time() - started
    started = time.process_time()
    metadata.add_metadata(article, compiled.metadata)
    times["metadata"] = time.process_time() - started
    times["body_source"] = page.html_meta["body_source"]
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="padded copies of each sample page")
    parser.add_argument("--pad-kb", type=int, default=180, help="size to pad each page to, in KB")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--trafilatura-fast", action=argparse.BooleanOptionalAction, default=None,
                        help="time trafilatura's fast path (bare_extraction(fast=True)) or its full path "
                             "(default: what html_extract.TRAFILATURA_FAST says)")
    args = parser.parse_args(argv)
    if args.trafilatura_fast is not None:
        html_extract.TRAFILATURA_FAST = args.trafilatura_fast
    compiled = compile_knowledge(load_knowledge())
    samples = sorted(PAGES_DIR.glob("*.html")) + sorted(CORPUS_DIR.glob("*.html"))
    pages = [(f"{p.stem}_{n}.html", padded(p.read_text(encoding="utf-8"), n, args.pad_kb).encode("utf-8"))
             for n in range(args.copies) for p in samples]
    one_page(pages[0][1], pages[0][0], compiled)             # warm-up: imports, dateparser
    results, started = [], time.process_time()
    for name, data in pages:
        results.append(one_page(data, name, compiled))
    wall = time.process_time() - started
    figures = {**summary(results, wall, pages), "trafilatura_fast": html_extract.TRAFILATURA_FAST}
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


def summary(results: list[dict], wall: float, pages: list) -> dict:
    steps = ("decode", "extract", "clean", "metadata")
    def per_page(rows):
        totals = [sum(r[s] for s in steps) for r in rows]
        return {"pages": len(rows), "pages_per_s": round(len(rows) / sum(totals), 1),
                "median_ms": round(1000 * statistics.median(totals), 1),
                **{f"{s}_ms": round(1000 * statistics.mean(r[s] for r in rows), 2) for s in steps}}
    by_selector = [r for r in results if r["body_source"] == "selector"]
    by_trafilatura = [r for r in results if r["body_source"] == "trafilatura"]
    return {"pages": len(results), "mean_kb": round(sum(len(d) for _, d in pages) / len(pages) / 1024, 1),
            "cpu_s": round(wall, 2), "pages_per_s": round(len(results) / wall, 1),
            "body_from_profile_selectors": per_page(by_selector),
            "body_from_trafilatura": per_page(by_trafilatura) if by_trafilatura else None}


if __name__ == "__main__":
    raise SystemExit(main())
