"""Generate pipeline/lexicons/countries.tsv: country and region names → ISO 3166-1 alpha-3.

Sources, in order of precedence: the curated pipeline/lexicons/country_aliases.tsv (Indonesian press
usage, blocked names, regions), Babel/CLDR Indonesian and English territory names, pycountry names.
Run ``python scripts/build_countries.py`` after changing the curated file or upgrading Babel/pycountry;
tests/test_lexicons.py fails while the committed file is out of date.
"""
from __future__ import annotations

import csv
import re
import sys
import unicodedata
from importlib.metadata import version
from pathlib import Path

import pycountry
from babel import Locale

LEXICON_DIR = Path(__file__).resolve().parent.parent / "pipeline" / "lexicons"
CURATED = LEXICON_DIR / "country_aliases.tsv"
OUTPUT = LEXICON_DIR / "countries.tsv"
COLUMNS = ("alias_id", "code", "label", "canonical", "alias", "origin")
BLOCKED = "-"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def _name_variants(name: str) -> list[str]:
    """'Myanmar (Burma)' → Myanmar, Burma; names with an inner bracket or a comma are left out."""
    match = re.fullmatch(r"(.+?) \(([^()]+)\)", name)
    if match:
        return [match.group(1), match.group(2)]
    if "(" in name or "," in name:
        return []
    return [name]


def _read_curated(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines, delimiter="\t")]


def _generated_names() -> dict[str, list[tuple[str, str]]]:
    """alpha-3 → [(name, origin)] from CLDR (id, en) and pycountry, for ISO 3166-1 countries only."""
    by_alpha2 = {c.alpha_2: c for c in pycountry.countries}
    names: dict[str, list[tuple[str, str]]] = {c.alpha_3: [] for c in pycountry.countries}
    for lang in ("id", "en"):
        for alpha2, name in Locale(lang).territories.items():
            if alpha2 in by_alpha2:
                names[by_alpha2[alpha2].alpha_3] += [(v, f"cldr-{lang}") for v in _name_variants(name)]
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names[country.alpha_3] += [(v, "pycountry") for v in _name_variants(value)]
    return names


def _region_names() -> list[tuple[str, str, str]]:
    """(name, English canonical, origin) for CLDR's numeric world regions (Asia Tengah, Eropa, …)."""
    english = Locale("en").territories
    regions = []
    for lang in ("id", "en"):
        for code, name in Locale(lang).territories.items():
            if code.isdigit():
                regions += [(v, english[code], f"cldr-{lang}") for v in _name_variants(name)]
    return regions


def _canonical_names() -> dict[str, str]:
    english = Locale("en").territories
    canonical = {}
    for country in pycountry.countries:
        name = english.get(country.alpha_2, country.name)
        canonical[country.alpha_3] = re.sub(r"\s*\([^()]*\)", "", name).strip()
    return canonical


def build_rows() -> list[dict[str, str]]:
    curated = _read_curated(CURATED)
    blocked = {r["alias"] for r in curated if r["label"] == BLOCKED or r["code"] == BLOCKED}
    canonical = _canonical_names()
    entries: dict[str, dict[str, str]] = {}   # alias → row; the first source to claim an alias keeps it

    def add(alias: str, code: str, label: str, name: str, origin: str) -> None:
        if alias in blocked:
            return
        row = entries.setdefault(alias, {"code": code, "label": label, "canonical": name, "alias": alias,
                                         "origin": origin})
        if row["code"] == code and row["label"] == label and origin not in row["origin"].split(","):
            row["origin"] += f",{origin}"

    for row in curated:
        if row["alias"] not in blocked:
            add(row["alias"], row["code"], row["label"], row["canonical"] or canonical[row["code"]], "curated")
    for code, names in sorted(_generated_names().items()):
        for name, origin in names:
            add(name, code, "COUNTRY", canonical[code], origin)
    for name, english, origin in _region_names():
        add(name, "", "LOC", english, origin)
    return _with_ids(entries.values())


def _with_ids(rows) -> list[dict[str, str]]:
    """alias_id = label/code prefix + slug of the alias; spellings that share a slug get -2, -3 in sort order."""
    done, seen = [], set()
    for row in sorted(rows, key=lambda r: (r["label"], r["code"], r["alias"])):
        prefix = f"country.{row['code']}" if row["label"] == "COUNTRY" else "region"
        alias_id, n = f"{prefix}.{_slug(row['alias'])}", 1
        while alias_id in seen:
            n += 1
            alias_id = f"{prefix}.{_slug(row['alias'])}-{n}"
        seen.add(alias_id)
        done.append({"alias_id": alias_id, **row})
    return done


def render(rows: list[dict[str, str]]) -> str:
    header = (f"# generated by scripts/build_countries.py from Babel {version('babel')} (CLDR id, en), "
              f"pycountry {version('pycountry')} and pipeline/lexicons/country_aliases.tsv; do not edit\n")
    lines = ["\t".join(COLUMNS)] + ["\t".join(row[c] for c in COLUMNS) for row in rows]
    return header + "\n".join(lines) + "\n"


def main() -> int:
    OUTPUT.write_text(render(build_rows()), encoding="utf-8")
    print(f"wrote {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
