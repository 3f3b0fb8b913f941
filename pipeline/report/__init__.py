"""The static HTML report of an output folder: ``python -m pipeline.report OUT`` → ``OUT/report/index.html``."""
