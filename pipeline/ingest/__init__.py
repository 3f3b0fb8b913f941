"""Ingest: list the input folder (``walk``), decode every file and turn it into pages (``pages``); HTML pages
through one lxml parse, their own metadata, boilerplate elements out and the site profile's selectors."""
