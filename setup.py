"""The package list, the one thing pyproject.toml cannot say: the packages found below pipeline/, plus
pipeline.models and pipeline.models.ner: the top-level models/ folder, mapped into the package by package-dir
in pyproject.toml (a find would not see it there)."""
from setuptools import find_namespace_packages, setup

setup(packages=[*find_namespace_packages(include=["pipeline*"]), "pipeline.models", "pipeline.models.ner"])
