"""Where the test data lives, for test modules in any subfolder of tests/."""
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
REPO_DIR = TESTS_DIR.parent
CORPUS_DIR = REPO_DIR / "corpus"
PAGES_DIR = TESTS_DIR / "pages"
GOLDEN_DIR = TESTS_DIR / "golden"
