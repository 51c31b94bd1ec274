"""riac-scraper: russiancouncil.ru as research datasets."""

from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("riac-scraper")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__", "extract"]


def __getattr__(name: str) -> Any:
    # ``riac_scraper.extract`` is loaded when first asked for: a module that
    # needs only ``riac_scraper.site`` does not load every stage with it.
    if name == "extract":
        from riac_scraper.api import extract

        return extract
    raise AttributeError(f"module 'riac_scraper' has no attribute {name!r}")
