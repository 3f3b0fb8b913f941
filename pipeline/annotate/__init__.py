"""Annotate: clean a page (boilerplate out, captions aside), read its metadata, split it into sentences and
tag and normalise its entities. Each module is one step; ``run.py`` calls them in order."""
