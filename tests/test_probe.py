"""``riac probe``: the look before a long crawl, on a healthy and on a damaged mirror."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import SITE, run_riac

pytestmark = pytest.mark.e2e


def probe(tmp_path: Path, *args: str, root: Path = SITE) -> tuple[int, str, str]:
    result = run_riac("probe", "--mirror", "--mirror-root", str(root), "-s", f"RIAC_OUTPUT={tmp_path / 'out'}", *args)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def test_a_healthy_mirror_passes_in_seconds_and_nothing_is_stored(tmp_path: Path) -> None:
    started = time.monotonic()
    code, out, err = probe(tmp_path)
    assert time.monotonic() - started < 60
    assert code == 0, err[-3000:]
    assert out.rstrip().endswith("probe passed")
    assert re.search(r"^  sitemap\s+\d+ articles, 3 documents read$", out, re.M)
    assert re.search(r"^  feeds\s+\d+ articles, 2 documents read$", out, re.M)
    read = int(re.search(r"^articles read: (\d+)", out, re.M).group(1))
    assert re.search(rf"^  title\s+100%  \(text {read}\)$", out, re.M)  # the layer that answered, in articles
    language = re.search(r"^  detected_lang\s+100%  \((.*)\)$", out, re.M)  # witnesses where they agree
    assert language and sum(int(n) for n in re.findall(r"(?:witnesses|langdetect) (\d+)", language.group(1))) == read
    assert 12 <= read <= 20  # at least one per section and language, at most --articles
    assert "riac: probe failed" not in err and "Disabled" not in err
    assert not (tmp_path / "out").exists()


def test_fewer_articles_are_spread_over_the_sections(tmp_path: Path) -> None:
    code, out, err = probe(tmp_path, "--articles", "3", "-a", "sections=news,analytics", "-a", "lang=en")
    assert code == 0, err[-3000:]
    assert "articles read: 3, by section: en/news 2, en/analytics 1" in out or (
        "articles read: 3, by section: en/news 1, en/analytics 2" in out
    )


def test_a_section_that_gives_no_article_fails_the_probe(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    listing = site / "en/news/index.html"
    listing.write_text(re.sub(r'<div class="news-item">.*?</div>\n', "", listing.read_text("utf-8")), "utf-8")
    code, out, err = probe(tmp_path, root=site)
    assert code == 1
    assert "riac: probe failed: en/news: no article (its first listing page listed none, or none could be read)" in err
    assert "probe passed" not in out


def test_a_field_below_its_floor_fails_the_probe(tmp_path: Path) -> None:
    code, _, err = probe(tmp_path, "-s", 'RIAC_MIN_COVERAGE={"regions": 0.5}')
    assert code == 1
    assert re.search(
        r"riac: probe failed: regions: \d+% of \d+ articles read, below the RIAC_MIN_COVERAGE floor 50%", err
    )


def test_a_sitemap_that_names_none_of_the_listed_articles_fails_the_probe(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    (site / "sitemap-iblock-en.xml").write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>', "utf-8"
    )
    code, _, err = probe(tmp_path, "-a", "lang=en", root=site)
    assert code == 1
    assert "riac: probe failed: en/news: the sitemap names 0 of the 2 articles on the first listing page" in err


@pytest.mark.parametrize(("args", "says"), [(["--articles", "0"], "--articles takes a number of 1 or more")])
def test_wrong_arguments_give_one_line_and_exit_2(tmp_path: Path, args: list[str], says: str) -> None:
    code, _, err = probe(tmp_path, *args)
    assert code == 2 and says in err and "Traceback" not in err
