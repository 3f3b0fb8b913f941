"""Names of what a run writes into its output folder, in one place: the writers take them from here, and so
does the input walk, which must never read a run's own outputs back as pages."""
from __future__ import annotations

MANIFEST = "manifest.json"
DATAPACKAGE = "datapackage.json"
PARTITION_DIR = "by_year"
REPORT_DIR = "report"
RUN_LOG = "run.log"           # the log of the latest run (written as it goes, not swapped in)
CACHE_DIR = ".cache"
PARTS_DIR = ".parts"          # table parts while a run goes (removed when it ends)
# Keys that mark a manifest.json as one this pipeline wrote (a scraper may leave its own manifest.json).
MANIFEST_KEYS = ("pipeline_version", "output_files")
