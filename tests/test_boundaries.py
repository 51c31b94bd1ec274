"""What a crawl never does: leave the site, ignore robots.txt, name files after
page content, or deserialize or execute anything from a page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from riac_scraper.devtools.mirror import Mirror
from tests.conftest import SITE, run_crawl

pytestmark = pytest.mark.e2e

BLOCKED = "https://russiancouncil.ru/en/news/riac-presents-report-on-digital-sovereignty/"


def test_robots_txt_is_obeyed_and_the_refusal_recorded(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /en/news/riac-presents-report\n", "utf-8")
    with Mirror(site) as server:
        result = run_crawl(server.base_url, tmp_path / "out", "-s", "LOG_LEVEL=DEBUG")
    assert "riac-presents-report-on-digital-sovereignty/> (referer" not in result.stderr
    assert BLOCKED not in set(pd.read_parquet(tmp_path / "out" / "articles")["url"])
    failures = pd.read_parquet(tmp_path / "out" / "failures")
    assert failures[["url", "reason"]].values.tolist() == [[BLOCKED, "IgnoreRequest: Forbidden by robots.txt"]]


def test_output_file_names_never_come_from_page_content(tmp_path: Path, mirror: Mirror) -> None:
    assert run_crawl(mirror.base_url, tmp_path).returncode == 0
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    allowed = re.compile(
        r"\.lock|crawl-report\.json|listing-walks\.json|(articles|article_versions|authors)/lang=(en|ru)/part-0\.parquet"
        r"|(failures|polls)/lang=en/part-empty\.parquet"
        r"|(polls|failures)/lang=(en|ru)/part-\d{8}T\d{6}Z-[0-9a-f]{6}\.parquet"
        r"|archive/\d{8}T\d{6}Z-[0-9a-f]{6}-\d{5}\.warc\.gz"
    )
    assert names and [n for n in names if not allowed.fullmatch(n)] == []
