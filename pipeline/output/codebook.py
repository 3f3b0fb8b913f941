"""Codebook fields that join event data: CAMEO root and QuadClass, the Goldstein value, the PLOVER mode.

``lexicons/cameo_codes.tsv`` gives each CAMEO code the event types use its Goldstein (1992) value;
``lexicons/plover_modes.tsv`` the PLOVER mode of a type and subtype where PLOVER has one. The root is the
code's first two digits, and the QuadClass follows from the root as in GDELT and ICEWS: 01-05 verbal
cooperation (1), 06-09 material cooperation (2), 10-14 verbal conflict (3), 15-20 material conflict (4).
"""
from __future__ import annotations

from functools import lru_cache

from pipeline.knowledge import load_knowledge

QUAD_CLASSES = ((5, 1), (9, 2), (14, 3), (20, 4))    # (last root of the class, class)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, float], dict[tuple[str, str], str]]:
    lexicons = load_knowledge()
    goldstein = {row["cameo_code"]: float(row["goldstein"]) for row in lexicons.lexicon("cameo_codes")}
    modes = {(row["event_type"], row["subtype"]): row["plover_mode"] for row in lexicons.lexicon("plover_modes")}
    return goldstein, modes


def quad_class(root: str) -> int | None:
    number = int(root) if root.isdigit() else 0
    return next((quad for last, quad in QUAD_CLASSES if 1 <= number <= last), None)


def codebook_fields(cameo_code: str, event_type: str, subtype: str | None) -> dict:
    goldstein, modes = _tables()
    root = cameo_code[:2] if cameo_code else None
    return {"cameo_root": root, "quad_class": quad_class(root) if root else None,
            "goldstein": goldstein.get(cameo_code), "plover_mode": modes.get((event_type, subtype or ""))}
