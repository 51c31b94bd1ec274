"""Every page kept as received, in WARC files, and re-extracted from them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from warcio.archiveiterator import ArchiveIterator

from riac_scraper.devtools.mirror import Mirror
from riac_scraper.reextract import reextract
from riac_scraper.storage.archive import NOT_MODIFIED_PROFILE, repair
from tests.conftest import SITE, assert_archive_sound, page_path, run_crawl, run_riac, warcio_check

pytestmark = pytest.mark.e2e

# Columns that record when and how a run happened, not what the pages said.
# (found_by is compared: the archive keeps what discovery found.)
RUN_COLUMNS = {"listing_hash", "crawl_id"}
KEYS = {"articles": ["url"], "polls": ["poll_id", "option_index"], "authors": ["author_id"]}


def records(path: Path) -> list:
    with path.open("rb") as fh:
        return [
            (r.rec_type, dict(r.rec_headers.headers), r.content_stream().read())
            for r in ArchiveIterator(fh)
        ]  # fmt: skip


def dataset(output: Path, name: str) -> pd.DataFrame:
    table = pd.read_parquet(output / name)
    columns = [c for c in table.columns if c not in RUN_COLUMNS]
    return table[columns].sort_values(KEYS[name]).reset_index(drop=True).astype(str)


def assert_same_datasets(crawled: Path, reextracted: Path) -> None:
    for name in KEYS:
        pd.testing.assert_frame_equal(dataset(reextracted, name), dataset(crawled, name))


@pytest.fixture
def crawled(clean_crawl: Path) -> Path:
    return clean_crawl


def test_a_crawl_archives_every_exchange_in_valid_warc_files(crawled: Path) -> None:
    assert_archive_sound(crawled)
    (path,) = sorted((crawled / "archive").glob("*.warc.gz"))
    crawl_id = pd.read_parquet(crawled / "polls")["crawl_id"].iloc[0]
    assert path.name == f"{crawl_id}-00001.warc.gz"
    kept = records(path)
    assert kept[0][0] == "warcinfo" and kept[0][1]["WARC-Filename"] == path.name
    responses = {h["WARC-Record-ID"]: h for kind, h, _ in kept if kind == "response"}
    requests = [h for kind, h, _ in kept if kind == "request"]
    assert len(requests) == len(responses) >= 35  # every exchange: listings, articles, robots.txt
    assert {h["WARC-Concurrent-To"] for h in requests} == set(responses)
    assert all(h["WARC-Type"] and h["WARC-Date"].count(".") == 1 for h in responses.values())  # WARC/1.1 micros


def test_archiving_can_be_switched_off(mirror: Mirror, tmp_path: Path) -> None:
    assert run_crawl(mirror.base_url, tmp_path, "-s", "RIAC_ARCHIVE=").returncode == 0
    assert not (tmp_path / "archive").exists()
    assert pd.read_parquet(tmp_path / "articles")["warc_file"].isna().all()


def test_archives_rotate_at_the_size_setting(mirror: Mirror, tmp_path: Path) -> None:
    other = tmp_path / "warcs"
    args = ("-s", f"RIAC_ARCHIVE={other}", "-s", "RIAC_ARCHIVE_MAX_BYTES=20000")
    assert run_crawl(mirror.base_url, tmp_path / "out", *args).returncode == 0
    files = sorted(other.glob("*.warc.gz"))
    assert len(files) >= 3 and all(re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}-\d{5}\.warc\.gz", f.name) for f in files)
    assert warcio_check(files).returncode == 0
    assert all(records(f)[0][0] == "warcinfo" for f in files)


def test_a_304_answer_is_a_revisit_record(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    out = tmp_path / "out"
    listing = page_path("https://russiancouncil.ru/en/analytics-and-comments/comments/", site)
    with Mirror(site) as server:
        assert run_crawl(server.base_url, out).returncode == 0
        listing.write_text(listing.read_text("utf-8").replace("</a></div>", " (updated)</a></div>", 1), "utf-8")
        assert run_crawl(server.base_url, out).returncode == 0
    revisits = [
        h for f in sorted((out / "archive").glob("*.warc.gz")) for kind, h, _ in records(f) if kind == "revisit"
    ]
    assert len(revisits) == 1 and revisits[0]["WARC-Profile"] == NOT_MODIFIED_PROFILE
    assert warcio_check(sorted((out / "archive").glob("*.warc.gz"))).returncode == 0


def test_a_half_written_record_is_cut_off(crawled: Path, tmp_path: Path) -> None:
    (source,) = sorted((crawled / "archive").glob("*.warc.gz"))
    whole = source.read_bytes()
    cut = tmp_path / source.name
    cut.write_bytes(whole[: len(whole) - 300])  # killed while appending the last record pair
    kept = repair(cut)
    assert 0 < kept < len(whole) - 300 and cut.stat().st_size == kept
    assert warcio_check([cut]).returncode == 0
    assert len(records(cut)) == len(records(source)) - 1  # the last record is gone, nothing else
    assert records(source)[-1][0] == "metadata"  # what discovery found, written as the crawl closed


def test_a_record_pair_cut_short_is_cut_off(crawled: Path, tmp_path: Path) -> None:
    (source,) = sorted((crawled / "archive").glob("*.warc.gz"))
    with source.open("rb") as fh:
        iterator = ArchiveIterator(fh)
        offsets = [(record.rec_type, iterator.get_record_offset()) for record in iterator]
    (_, last_request), (_, found_by) = offsets[-2], offsets[-1]
    cut = tmp_path / source.name
    cut.write_bytes(source.read_bytes()[: found_by - 200])  # killed while appending the last record pair
    assert repair(cut) == last_request
    assert warcio_check([cut]).returncode == 0
    assert len(records(cut)) == len(records(source)) - 2


def test_show_page_prints_the_stored_page(crawled: Path) -> None:
    row = pd.read_parquet(crawled / "articles").iloc[0]
    result = run_riac("show-page", row["article_id"], "--output", str(crawled))
    assert result.returncode == 0, result.stderr
    assert re.search(rb"<h1[^>]*>" + re.escape(row["title"].encode()) + rb"</h1>", result.stdout)
    missing = run_riac("show-page", "0000000000000000", "--output", str(crawled))
    assert missing.returncode == 2 and b"no article 0000000000000000" in missing.stderr


@pytest.mark.parametrize("how", ["serial", "workers", "dask-local-cluster"])
def test_reextraction_gives_the_crawls_datasets(crawled: Path, tmp_path: Path, how: str) -> None:
    archives = [str(crawled / "archive" / "*.warc.gz")]
    options = {"serial": {}, "workers": {"workers": 2}, "dask-local-cluster": {"dask": True, "workers": 2}}[how]
    reextract(archives, tmp_path, **options)
    assert_same_datasets(crawled, tmp_path)


def test_reextraction_on_a_running_cluster_cuts_the_files_for_its_workers(
    crawled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a scheduler and no --workers, the files are cut into ranges for
    the cluster's worker threads, not run one task a file."""
    from distributed import LocalCluster

    from riac_scraper import reextract as module

    asked: list[int] = []
    tasks = module.tasks
    monkeypatch.setattr(module, "tasks", lambda paths, workers: asked.append(workers) or tasks(paths, workers))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        reextract([str(crawled / "archive" / "*.warc.gz")], tmp_path, scheduler=cluster.scheduler_address)
    assert asked == [2]
    assert_same_datasets(crawled, tmp_path)


def test_reextracting_an_older_archive_keeps_the_newer_rows(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    out = tmp_path / "out"
    url = "https://russiancouncil.ru/en/news/riac-presents-report-on-digital-sovereignty/"
    with Mirror(site) as server:
        assert run_crawl(server.base_url, out).returncode == 0
        first = sorted((out / "archive").glob("*.warc.gz"))
        page = page_path(url, site)
        page.write_text(page.read_text("utf-8").replace("Digital Sovereignty</h1>", "Digital Rights</h1>"), "utf-8")
        assert run_crawl(server.base_url, out, "-a", "full=1").returncode == 0
    reextract([str(p) for p in first], out)
    articles = pd.read_parquet(out / "articles").set_index("url")
    assert articles.loc[url, "title"] == "RIAC Presents Report on Digital Rights"
    assert articles.index.is_unique


def test_reextract_command_line_errors_are_one_line(tmp_path: Path) -> None:
    result = run_riac("reextract", str(tmp_path / "none-*.warc.gz"), "--output", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.decode().strip() == f"riac: no archive matches '{tmp_path / 'none-*.warc.gz'}'"
