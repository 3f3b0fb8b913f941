"""Scraped Indonesian news → research-grade event tables.

The Python API, for notebooks and scripts (README, "From Python")::

    import pipeline

    result = pipeline.process_folder("pages/")          # every stage, every input accounted for
    pipeline.write_outputs(result, "out/")               # the tables, datapackage.json and manifest.json
    tables = pipeline.load("out/")                        # typed pandas DataFrames: tables.events, ...
    problems = pipeline.validate("out/")                  # [] when the folder matches its datapackage.json

The names are imported when first used, so ``import pipeline`` stays quick (loading the NER code imports torch).
"""

import logging

__version__ = "0.1.0"

# The command line sends these logs to OUT/run.log; a program that imports the pipeline decides for itself.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["process_folder", "write_outputs", "load", "validate", "csv_dtypes", "csv_date_columns",
           "Settings", "RunOptions", "RunResult", "Tables", "Violation", "__version__"]

_HOMES = {"process_folder": "pipeline.api", "write_outputs": "pipeline.api",
          "load": "pipeline.output.load", "Tables": "pipeline.output.load",
          "csv_dtypes": "pipeline.output.load", "csv_date_columns": "pipeline.output.load",
          "validate": "pipeline.output.validate", "Violation": "pipeline.output.validate",
          "Settings": "pipeline.settings", "RunOptions": "pipeline.settings", "RunResult": "pipeline.record"}


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(_HOMES[name]), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
