"""How far an incremental crawl walks each section's listing.

A re-crawl into an existing dataset stops walking a section's listing after
``RIAC_LISTING_STOP_AFTER`` listing pages in a row (as they arrive) whose
articles are all stored and listed unchanged: new articles show at the top of
a listing, and the pages below list what the dataset already holds.  What
such a walk cannot see (an article edited, or added, deep in the listing) the
sitemap's ``lastmod`` and the feeds catch, and every
``RIAC_FULL_WALK_EVERY``-th run walks every listing to its end, as ``-a
full=1`` does.

How many runs ago the last full walk was is kept beside the datasets in
``listing-walks.json``.  It is read back as untrusted input: a file that is
missing, unreadable or not what this module writes means "unknown", and an
unknown count gives a full walk, the choice that cannot miss an article.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riac_scraper.crawl.thresholds import SettingError, read_count

STATE_NAME = "listing-walks.json"
MAX_RUNS = 1_000_000  # a larger count in the state file is no count this module wrote


@dataclass(frozen=True)
class WalkPolicy:
    stop_after: int  # unchanged listing pages in a row that end a walk; 0: never
    full_every: int  # every this many runs walks every listing; 1: every run

    @classmethod
    def from_settings(cls, settings: Any) -> WalkPolicy:
        stop_after = read_count("RIAC_LISTING_STOP_AFTER", settings.get("RIAC_LISTING_STOP_AFTER", 3))
        full_every = read_count("RIAC_FULL_WALK_EVERY", settings.get("RIAC_FULL_WALK_EVERY", 4))
        if full_every < 1:
            raise SettingError(
                f"RIAC_FULL_WALK_EVERY must be 1 or more (1: every run walks every listing), got {full_every}"
            )
        return cls(stop_after, full_every)

    def full_walk(self, runs_since_full_walk: int | None) -> tuple[bool, str]:
        """Whether this incremental run walks every listing to its end, and why."""
        if not self.stop_after:
            return True, "RIAC_LISTING_STOP_AFTER=0: listings are always walked to their end"
        if runs_since_full_walk is None:
            return True, "no record of an earlier full walk of the listings"
        if runs_since_full_walk + 1 >= self.full_every:
            return True, f"every {self.full_every}th run walks every listing (RIAC_FULL_WALK_EVERY)"
        return False, (
            f"a listing walk stops after {self.stop_after} unchanged pages in a row; "
            f"{runs_since_full_walk} runs since the last full walk"
        )


def read_state(output: str | os.PathLike[str] | None) -> tuple[int | None, str | None]:
    """Runs since the last full walk, from the state file, and a note when the
    file was there but could not be used."""
    if output is None:
        return None, None
    path = Path(output) / STATE_NAME
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError) as exc:
        return None, f"{STATE_NAME} cannot be read ({type(exc).__name__}): this run walks every listing"
    runs = data.get("runs_since_full_walk") if isinstance(data, dict) else None
    if type(runs) is not int or not 0 <= runs <= MAX_RUNS:
        return None, f"{STATE_NAME} holds no run count this version wrote: this run walks every listing"
    return runs, None


def write_state(output: str | os.PathLike[str], runs_since_full_walk: int, crawl_id: str | None) -> None:
    """Replaces the state file atomically; raises OSError when it cannot."""
    output = Path(output)
    state = {
        "runs_since_full_walk": runs_since_full_walk,
        "crawl_id": crawl_id,
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    tmp = output / f".{STATE_NAME}.{secrets.token_hex(4)}.tmp"
    try:
        tmp.write_text(json.dumps(state) + "\n", "utf-8")
        os.replace(tmp, output / STATE_NAME)
    finally:
        tmp.unlink(missing_ok=True)
