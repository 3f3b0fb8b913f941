"""Where the test data lives, for test modules in any subfolder of tests/."""
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
REPO_DIR = TESTS_DIR.parent
CORPUS_DIR = REPO_DIR / "corpus"
PAGES_DIR = TESTS_DIR / "pages"
GOLDEN_DIR = TESTS_DIR / "golden"


def copy_seeds(folder: Path, pattern: str = "00[0-4]_*.txt") -> list[Path]:
    """Copy the seed pages of corpus/ matching ``pattern`` into ``folder`` (made if needed); their sources."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted(CORPUS_DIR.glob(pattern))
    for seed in seeds:
        shutil.copy(seed, folder / seed.name)
    return seeds
