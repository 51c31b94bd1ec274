"""The Parquet store: staging, merging, latest fetch wins, nothing half-written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from riac_scraper.items import Article, Author, CrawlFailure
from riac_scraper.storage.records import article_row, failure_row
from riac_scraper.storage.store import DatasetStore

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def article(slug: str, title: str, fetched_at: dt.datetime, lang: str = "en", authors: tuple[str, ...] = ()) -> dict:
    prefix = "/en" if lang == "en" else ""
    return article_row(
        Article(
            url=f"https://russiancouncil.ru{prefix}/news/{slug}/",
            lang=lang,
            section="news",
            title=title,
            paragraphs=["Body text."],
            authors=[Author(name) for name in authors],
            fetched_at=fetched_at,
        )
    )


def crawl(root: Path, rows: list[dict]) -> DatasetStore:
    store = DatasetStore(root)
    store.add("articles", rows)
    store.commit()
    store.discard_staging()
    return store


def test_datasets_are_partitioned_by_language(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "A", T0), article("b", "Б", T0, lang="ru")])
    df = pd.read_parquet(tmp_path / "articles")
    assert sorted(zip(df["lang"].astype(str), df["title"], strict=True)) == [("en", "A"), ("ru", "Б")]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet")) == [
        "article_versions/lang=en/part-0.parquet",
        "article_versions/lang=ru/part-0.parquet",
        "articles/lang=en/part-0.parquet",
        "articles/lang=ru/part-0.parquet",
        "authors/lang=en/part-0.parquet",
        "authors/lang=ru/part-0.parquet",
        "failures/lang=en/part-empty.parquet",  # every dataset exists, empty with its schema
        "polls/lang=en/part-empty.parquet",
    ]


def test_recrawl_keeps_one_row_per_article_and_the_latest_fetch_wins(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "Old title", T0), article("b", "B", T0)])
    crawl(tmp_path, [article("a", "New title", T0 + dt.timedelta(days=1)), article("c", "C", T0)])
    df = pd.read_parquet(tmp_path / "articles").sort_values("url")
    assert df["title"].tolist() == ["New title", "B", "C"]


def test_an_older_fetch_does_not_replace_a_newer_one(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "New", T0 + dt.timedelta(days=1))])
    crawl(tmp_path, [article("a", "Old", T0)])
    assert pd.read_parquet(tmp_path / "articles")["title"].tolist() == ["New"]


def test_within_one_crawl_the_later_row_wins(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "First", T0), article("a", "Second", T0)])
    assert pd.read_parquet(tmp_path / "articles")["title"].tolist() == ["Second"]


@pytest.mark.parametrize("rows_per_batch", [1, 2, 3, 1000])
def test_the_winners_are_the_same_however_the_rows_fall_into_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows_per_batch: int
) -> None:
    from riac_scraper.storage import store as store_module

    monkeypatch.setattr(store_module, "ROW_GROUP_ROWS", rows_per_batch)
    crawl(tmp_path, [article(f"s{i}", f"Old {i}", T0) for i in range(7)])  # a dataset file of several batches
    later = T0 + dt.timedelta(days=1)
    staged = [article(f"s{i}", f"New {i}", later) for i in (5, 1, 3)] + [article("s1", "Newest 1", later)]
    staged += [article(f"s{i}", f"Stale {i}", T0 - dt.timedelta(days=1)) for i in (0, 6)]
    crawl(tmp_path, staged)
    df = pd.read_parquet(tmp_path / "articles").sort_values("url")
    assert df["title"].tolist() == ["Old 0", "Newest 1", "Old 2", "New 3", "Old 4", "New 5", "Old 6"]


def test_staged_rows_survive_a_kill_even_mid_write(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path, crawl_id="c1")
    for i in range(5):
        store.add("articles", [article(str(i), str(i), T0)])
    (part,) = (tmp_path / ".staging" / "c1" / "articles").glob("*.arrows")
    part.write_bytes(part.read_bytes()[:-7])  # the process died while writing the fifth row
    resumed = DatasetStore(tmp_path, crawl_id="c1")  # a new process continues the same crawl
    resumed.add("articles", [article("5", "5", T0)])
    resumed.commit()
    resumed.discard_staging()
    assert sorted(pd.read_parquet(tmp_path / "articles")["title"]) == ["0", "1", "2", "3", "5"]
    assert not (tmp_path / ".staging").exists()


def test_commit_can_be_repeated_after_a_kill_during_the_commit(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "A", T0)])
    store = DatasetStore(tmp_path, crawl_id="c2")
    store.add("articles", [article("a", "A2", T0 + dt.timedelta(1)), article("b", "B", T0)])
    store.add(
        "polls",
        [
            {
                "poll_id": "p",
                "lang": "en",
                "question": "Q?",
                "option_index": 0,
                "option": "Yes",
                "votes": 1,
                "percent": 100.0,
                "total_votes": 1,
                "observed_at": T0,
                "source_url": "u",
                "crawl_id": "c2",
            }
        ],
    )
    store.close_staging()
    store._rebuild_authors = None  # type: ignore[assignment,method-assign]  # dies after the merges
    with pytest.raises(TypeError):
        store.commit()
    (tmp_path / "articles" / "lang=en" / ".part-0.parquet.dead.tmp").write_bytes(b"half a file")
    DatasetStore(tmp_path, crawl_id="c2").commit()
    assert sorted(pd.read_parquet(tmp_path / "articles")["title"]) == ["A2", "B"]
    assert len(pd.read_parquet(tmp_path / "polls")) == 1
    assert not list(tmp_path.rglob("*.tmp"))


def test_no_visible_temporary_files_are_left(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "A", T0)])
    crawl(tmp_path, [article("a", "A2", T0 + dt.timedelta(1))])
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".parquet"]
    assert leftovers == []


def test_authors_are_counted_per_person_and_language(tmp_path: Path) -> None:
    crawl(
        tmp_path,
        [
            article("a", "A", T0, authors=("Anna Volkova", "Igor Ivanov")),
            article("b", "B", T0, authors=("anna  volkova",)),
            article("c", "C", T0, lang="ru", authors=("Анна Волкова",)),
        ],
    )
    df = pd.read_parquet(tmp_path / "authors")
    counts = {(str(r.lang), r.name): r.article_count for r in df.itertuples()}
    assert counts == {("en", "Anna Volkova"): 2, ("en", "Igor Ivanov"): 1, ("ru", "Анна Волкова"): 1}
    assert df["author_id"].is_unique


def test_failures_are_appended_per_crawl(tmp_path: Path) -> None:
    for _ in range(2):
        store = DatasetStore(tmp_path)
        store.add(
            "failures",
            [
                failure_row(
                    CrawlFailure("https://russiancouncil.ru/en/news/x/", "download", "HTTP 404", T0), store.crawl_id
                )
            ],
        )
        store.commit()
    df = pd.read_parquet(tmp_path / "failures")
    assert len(df) == 2 and df["crawl_id"].nunique() == 2


@pytest.mark.parametrize("column", ["rating_votes", "word_count"])
def test_integer_columns_stay_integers_in_pandas_even_when_null(tmp_path: Path, column: str) -> None:
    crawl(tmp_path, [article("a", "A", T0)])
    assert str(pd.read_parquet(tmp_path / "articles")[column].dtype) == "Int32"


def test_staging_left_by_a_crawl_that_never_committed_is_folded_in_by_the_next(tmp_path: Path) -> None:
    killed = DatasetStore(tmp_path, crawl_id="20260101T000000Z-aaaaaa")
    killed.add("articles", [article("a", "A", T0)])
    killed.close_staging()  # killed here, or its commit failed: the staging stays
    later = crawl(tmp_path, [article("b", "B", T0 + dt.timedelta(1))])
    assert sorted(pd.read_parquet(tmp_path / "articles")["title"]) == ["A", "B"]
    assert later.written["articles"] == 2 + 1  # the folded crawl's file, then this crawl's
    assert not (tmp_path / ".staging").exists()


def test_an_article_marked_unchanged_and_then_fetched_counts_once_by_its_row(tmp_path: Path) -> None:
    from riac_scraper.storage.tally import Tally

    store = DatasetStore(tmp_path)
    refetched = article("a", "A", T0)
    store.seen(refetched["url"], T0)  # its listing entry was unchanged; then the sitemap dated a change
    store.add("articles", [refetched])
    store.seen("https://russiancouncil.ru/news/b/", T0)  # a Russian one, marked twice (a 304 too)
    store.seen("https://russiancouncil.ru/news/b/", T0)
    store.close_staging()
    tally = Tally.from_store(store)
    assert (tally.articles, tally.unchanged, dict(tally.unchanged_by_lang)) == (1, 1, {"ru": 1})
    assert tally.articles_by_kind({})["all"] == {"new": 1, "changed": 0, "unchanged": 1, "failed": 0}
    assert tally.unaccounted({refetched["url"], "https://russiancouncil.ru/news/b/"}, {}) == []


# ------------------------------------------------------------ fetch order
def in_crawl(row: dict, crawl_id: str) -> dict:
    return {**row, "crawl_id": crawl_id}


NOW = dt.datetime.now(dt.UTC)
EARLIER, LATER = "20261101T000000Z-aaaaaa", "20261102T000000Z-bbbbbb"


def test_the_later_crawl_wins_whatever_the_fetch_times_say(tmp_path: Path) -> None:
    crawl(tmp_path, [in_crawl(article("a", "Earlier crawl", T0 + dt.timedelta(days=3)), EARLIER)])
    crawl(tmp_path, [in_crawl(article("a", "Later crawl", T0), LATER)])  # its clock was behind
    assert pd.read_parquet(tmp_path / "articles")["title"].tolist() == ["Later crawl"]
    crawl(tmp_path, [in_crawl(article("a", "Earlier again", T0 + dt.timedelta(days=9)), EARLIER)])  # re-extracted
    assert pd.read_parquet(tmp_path / "articles")["title"].tolist() == ["Later crawl"]


@pytest.mark.parametrize(
    ("fetched", "crawl_id"),
    [
        pytest.param(dt.datetime(2099, 1, 1, tzinfo=dt.UTC), EARLIER, id="fetched-in-2099"),
        pytest.param(T0, "20990101T000000Z-cccccc", id="crawl-id-of-2099"),
    ],
)
def test_a_row_dated_in_the_future_never_stays_for_that(tmp_path: Path, fetched: dt.datetime, crawl_id: str) -> None:
    first = crawl(tmp_path, [in_crawl(article("a", "From the future", fetched), crawl_id)])
    assert first.future_dated == [first_id := pd.read_parquet(tmp_path / "articles")["article_id"][0]]
    second = crawl(tmp_path, [in_crawl(article("a", "Fetched now", NOW), LATER)])
    assert pd.read_parquet(tmp_path / "articles")["title"].tolist() == ["Fetched now"]
    assert second.future_dated == [first_id]  # still doubted, and said so, while it is read


def test_a_day_of_clock_difference_is_no_future(tmp_path: Path) -> None:
    store = crawl(tmp_path, [in_crawl(article("a", "A", NOW + dt.timedelta(hours=20)), LATER)])
    assert store.future_dated == []


def test_a_dataset_file_of_an_older_version_is_read_with_its_missing_columns_null(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from riac_scraper.storage.store import read_article_index

    crawl(tmp_path, [in_crawl(article("a", "Old", T0), EARLIER), in_crawl(article("b", "B", T0), EARLIER)])
    (path,) = (tmp_path / "articles").glob("lang=en/*.parquet")
    old = pq.read_table(path).drop_columns(["warc_file", "warc_offset", "listing_hash", "crawl_id", "site_text"])
    pq.write_table(old, path)  # what a version before these columns wrote
    assert set(read_article_index(tmp_path)) == {
        "https://russiancouncil.ru/en/news/a/",
        "https://russiancouncil.ru/en/news/b/",
    }
    crawl(tmp_path, [in_crawl(article("a", "New", T0 + dt.timedelta(days=1)), LATER)])
    df = pd.read_parquet(tmp_path / "articles").sort_values("url")
    assert df["title"].tolist() == ["New", "B"]
    assert df["crawl_id"].iloc[0] == LATER and df["crawl_id"].iloc[1:].isna().all() and df["warc_file"].isna().all()


def stage_older(store: DatasetStore, rows: list[dict], without: tuple[str, ...]) -> None:
    """Stage ``rows`` as a version before the columns ``without`` did: a crawl
    killed under it leaves such a stream for the upgraded one to resume."""
    import pyarrow as pa

    from riac_scraper.storage.store import STAGED

    old = pa.schema([field for field in STAGED["articles"] if field.name not in without])
    path = store.staging / "articles" / "part-older.arrows"
    path.parent.mkdir(parents=True)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, old) as writer:
        writer.write_batch(pa.RecordBatch.from_pylist(rows, old))


def test_rows_staged_by_an_older_version_are_committed_with_its_missing_columns_null(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    stage_older(store, [article("a", "Old", T0)], without=("suspect_fields", "site_text"))
    store.add("articles", [article("b", "New", T0)])
    store.commit()
    df = pd.read_parquet(tmp_path / "articles").sort_values("url")
    assert df["title"].tolist() == ["Old", "New"]
    assert [list(v) for v in df["suspect_fields"]] == [[], []]  # no witness was asked: none found


def test_at_every_moment_of_a_commit_the_datasets_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kill can come while the commit writes: what is on disk then is what
    pandas finds afterwards.  At every row group the commit writes, each
    dataset folder holds only whole Parquet files (the file being written
    lives outside them) and still loads, with the rows of the last commit."""
    import pyarrow.parquet as pq

    crawl(tmp_path, [article("a", "A", T0), article("b", "B", T0, lang="ru")])
    before = sorted(pd.read_parquet(tmp_path / "articles")["title"])
    seen: list[str] = []
    write_table = pq.ParquetWriter.write_table

    def checking(self: pq.ParquetWriter, table: object, *args: object, **kwargs: object) -> None:
        write_table(self, table, *args, **kwargs)
        for folder in ("articles", "authors", "polls", "failures"):
            for path in (tmp_path / folder).rglob("*"):
                assert path.is_dir() or path.suffix == ".parquet", f"{path} is in a dataset folder while written"
        seen.append(",".join(sorted(pd.read_parquet(tmp_path / "articles")["title"])))

    monkeypatch.setattr(pq.ParquetWriter, "write_table", checking)
    crawl(tmp_path, [article("a", "A2", T0 + dt.timedelta(1)), article("c", "C", T0)])
    monkeypatch.undo()
    assert len(seen) >= 2  # both languages' article files were written while checked
    assert set(seen[0].split(",")) >= set(before) - {"A"}  # mid-commit, the last commit's rows are there
    assert sorted(pd.read_parquet(tmp_path / "articles")["title"]) == ["A2", "B", "C"]


# ------------------------------------------------------------ polls
def poll(
    poll_id: str, lang: str, votes: tuple[int | None, ...], observed: dt.datetime = T0, crawl_id: str | None = None
) -> list[dict]:
    from riac_scraper.items import PollOption, PollSnapshot
    from riac_scraper.storage.records import poll_rows

    options = [PollOption(f"option {n}", v, None) for n, v in enumerate(votes)]
    prefix = "/en" if lang == "en" else ""
    snapshot = PollSnapshot(poll_id, lang, "A question?", options, observed, f"https://russiancouncil.ru{prefix}/a/")
    return poll_rows(snapshot, crawl_id or CRAWL)


CRAWL = "20261203T000000Z-abcdef"


def groups(root: Path) -> dict[str, str]:
    polls = pd.read_parquet(root / "polls")
    return dict(zip(polls["poll_id"], polls["poll_group"], strict=True))


def test_a_resumed_crawl_adding_to_its_part_keeps_the_groups_already_in_it(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path, CRAWL)
    store.add("polls", poll("en-1", "en", (3, 4)) + poll("ru-1", "ru", (3, 4)) + poll("en-2", "en", (9,)))
    store.commit()
    store.discard_staging()
    assert groups(tmp_path) == {"en-1": "en-1", "ru-1": "en-1", "en-2": "en-2"}  # a pair, and one alone
    resumed = DatasetStore(tmp_path, CRAWL)  # the same crawl, resumed: its rows go to the same parts
    resumed.add("polls", poll("en-3", "en", (5, 6)) + poll("ru-3", "ru", (7,)))
    resumed.commit()
    assert groups(tmp_path) == {"en-1": "en-1", "ru-1": "en-1", "en-2": "en-2", "en-3": "en-3", "ru-3": "ru-3"}


def test_staged_rows_go_to_the_part_of_the_crawl_that_took_them(tmp_path: Path) -> None:
    """A re-extraction stages each snapshot under the crawl that fetched it; a row that names none is this crawl's."""
    store = DatasetStore(tmp_path, CRAWL)
    failure = CrawlFailure("https://russiancouncil.ru/en/news/x/", "download", "HTTP 404", T0)
    store.add("failures", [failure_row(failure, EARLIER), failure_row(failure, "not a crawl id")])
    store.commit()
    parts = sorted(p.name for p in (tmp_path / "failures" / "lang=en").glob("*.parquet"))
    assert parts == [f"part-{EARLIER}.parquet", f"part-{CRAWL}.parquet"]
    folder = tmp_path / "failures" / "lang=en"
    assert [len(pd.read_parquet(folder / part)) for part in parts] == [1, 1]  # each row in its own crawl's part


def test_the_article_index_gives_what_an_incremental_crawl_compares(tmp_path: Path) -> None:
    from riac_scraper.storage.store import read_article_index

    row = {**article("a", "A", T0), "listing_hash": "h1", "etag": '"e1"', "last_modified": "Thu, 01 Jan 2026"}
    crawl(tmp_path, [row, article("b", "B", T0, lang="ru")])
    folder = tmp_path / "articles" / "lang=en"
    for junk in (".part.parquet", "_part.parquet"):  # a temporary or hidden file: no dataset file, never read
        (folder / junk).write_bytes(b"not parquet")
    index = read_article_index(tmp_path)
    assert index == {
        row["url"]: {
            "listing_hash": "h1",
            "etag": '"e1"',
            "last_modified": "Thu, 01 Jan 2026",
            "content_hash": row["content_hash"],
            "fetched_at": T0,
        },
        "https://russiancouncil.ru/news/b/": {
            "listing_hash": None,
            "etag": None,
            "last_modified": None,
            "content_hash": article("b", "B", T0, lang="ru")["content_hash"],
            "fetched_at": T0,
        },
    }


def test_a_crawl_id_is_the_utc_time_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from riac_scraper.storage.store import is_crawl_id, new_crawl_id

    monkeypatch.setenv("TZ", "XYZ-14")  # POSIX for UTC+14 (no zone database needed): a local clock reads another day
    time.tzset()
    try:
        before, crawl_id, after = dt.datetime.now(dt.UTC), new_crawl_id(), dt.datetime.now(dt.UTC)
    finally:
        monkeypatch.undo()
        time.tzset()
    stamp = dt.datetime.strptime(crawl_id.split("-")[0], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    assert is_crawl_id(crawl_id) and before.replace(microsecond=0) <= stamp <= after


def test_each_version_of_an_article_spans_the_fetches_that_saw_it(tmp_path: Path) -> None:
    """article_versions: one row per content, first_seen the earliest fetch of it, last_seen the latest,
    whatever order the crawls' clocks put them in."""
    day = dt.timedelta(days=1)

    def versions() -> list[tuple[str, dt.datetime, dt.datetime]]:
        table = pd.read_parquet(tmp_path / "article_versions")
        rows = zip(table["title"], table["first_seen"], table["last_seen"], strict=True)
        return sorted((title, first.to_pydatetime(), last.to_pydatetime()) for title, first, last in rows)

    def at(crawl_id: str, title: str, fetched: dt.datetime) -> None:
        crawl(tmp_path, [in_crawl(article("a", title, fetched), crawl_id)])

    at("20261101T000000Z-aaaaaa", "A", T0)
    assert versions() == [("A", T0, T0)]
    at("20261102T000000Z-aaaaaa", "A", T0 + 2 * day)
    assert versions() == [("A", T0, T0 + 2 * day)]
    at("20261103T000000Z-aaaaaa", "A", T0 + day)  # a clock behind: inside the span, which stays
    assert versions() == [("A", T0, T0 + 2 * day)]
    at("20261104T000000Z-aaaaaa", "A", T0 - day)  # before it: the span starts earlier
    assert versions() == [("A", T0 - day, T0 + 2 * day)]
    at("20261105T000000Z-aaaaaa", "B", T0 + 3 * day)
    assert versions() == [("A", T0 - day, T0 + 2 * day), ("B", T0 + 3 * day, T0 + 3 * day)]


def test_polls_pair_only_one_in_each_language_with_whole_equal_votes(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path, CRAWL)
    store.add(
        "polls",
        [
            *poll("en-a", "en", (1, 2)),
            *poll("ru-a", "ru", (1, 2)),
            *poll("en-b", "en", (1, 2)),  # three alike: no pair is sure
            *poll("en-c", "en", (5, 5)),
            *poll("en-d", "en", (5, 5)),  # two alike in one language: no pair
            *poll("en-e", "en", (None, 1)),
            *poll("ru-e", "ru", (None, 1)),  # a vote unknown: no signature
            *poll("en-f", "en", (7, 8)),
            *poll("en-f", "en", (9, 9), T0 + dt.timedelta(hours=1)),  # its later snapshot is not the one kept
            *poll("ru-f", "ru", (7, 8)),
        ],
    )
    store.commit()
    assert groups(tmp_path) == {
        **{name: name for name in ("en-a", "ru-a", "en-b", "en-c", "en-d", "en-e", "ru-e")},
        "en-f": "en-f",
        "ru-f": "en-f",
    }


def test_a_poll_group_once_given_is_kept(tmp_path: Path) -> None:
    crawl(tmp_path, [])  # the datasets exist
    first = DatasetStore(tmp_path, EARLIER)
    first.add("polls", poll("en-1", "en", (3, 4), crawl_id=EARLIER) + poll("ru-1", "ru", (3, 4), crawl_id=EARLIER))
    first.commit()
    second = DatasetStore(tmp_path, LATER)
    later = T0 + dt.timedelta(days=1)
    second.add(
        "polls",
        poll("ru-1", "ru", (5, 6), later, LATER)  # its votes moved on: no pair this time
        + poll("en-9", "en", (1, 1), later, LATER)
        + poll("ru-9", "ru", (1, 1), later, LATER),
    )
    second.commit()
    third = DatasetStore(tmp_path, "20261103T000000Z-cccccc")
    third.add(
        "polls", poll("en-7", "en", (2, 2), later, third.crawl_id) + poll("ru-1", "ru", (2, 2), later, third.crawl_id)
    )
    third.commit()  # a new English poll pairs with ru-1: the pair takes ru-1's group
    polls = pd.read_parquet(tmp_path / "polls")
    assert sorted(set(zip(polls["poll_id"], polls["poll_group"], polls["crawl_id"], strict=True))) == [
        ("en-1", "en-1", EARLIER),
        ("en-7", "en-1", "20261103T000000Z-cccccc"),
        ("en-9", "en-9", LATER),
        ("ru-1", "en-1", EARLIER),
        ("ru-1", "en-1", LATER),
        ("ru-1", "en-1", "20261103T000000Z-cccccc"),
        ("ru-9", "en-9", LATER),
    ]


def test_a_future_fetch_ranks_below_a_row_of_no_crawl_id(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Rows of versions before crawl ids rank by fetch time alone; one from the future still never wins."""
    crawl(tmp_path, [in_crawl(article("a", "True", T0), None)])
    future = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    with caplog.at_level("WARNING", logger="riac_scraper.storage.store"):
        crawl(tmp_path, [in_crawl(article("a", "From the future", future), None)])
    assert pd.read_parquet(tmp_path / "articles")["title"].tolist() == ["True"]
    key = pd.read_parquet(tmp_path / "articles")["article_id"][0]
    assert f"article {key}: fetched {future} in crawl None, in the future: ranked oldest" in caplog.messages


def test_rows_are_gathered_and_written_in_groups_of_a_thousand(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from riac_scraper.storage.store import ROW_GROUP_ROWS, _row_groups, _write_atomic

    schema = pa.schema([("n", pa.int64())])
    ones = (pa.record_batch([pa.array([n])], schema=schema) for n in range(2500))
    assert [t.num_rows for t in _row_groups(ones, schema)] == [ROW_GROUP_ROWS, ROW_GROUP_ROWS, 500]
    one_batch = iter([pa.record_batch([pa.array(range(2500))], schema=schema)])
    path = tmp_path / "d" / "lang=en" / "part-0.parquet"
    assert _write_atomic(path, schema, one_batch, tmp_path / "tmp" / "nested") == 2500
    meta = pq.ParquetFile(path).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [1000, 1000, 500]
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert list((tmp_path / "tmp" / "nested").iterdir()) == []
    ones = (pa.record_batch([pa.array([n])], schema=schema) for n in range(2500))
    assert _write_atomic(path, schema, ones, tmp_path / "tmp") == 2500  # counted over every row group


def test_a_pair_takes_the_stored_group_of_its_english_poll_before_that_of_its_russian(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from riac_scraper.storage.derived import poll_groups

    stored = tmp_path / "polls" / "lang=en" / "part-0.parquet"
    stored.parent.mkdir(parents=True)
    # an earlier crawl paired the English poll "e" with the group "g"; "r" was paired with "h"
    pq.write_table(pa.table({"poll_id": ["e", "r"], "poll_group": ["g", "h"]}), stored)
    staged = pa.Table.from_pylist(
        [
            {"poll_id": pid, "lang": lang, "option_index": index, "votes": votes, "observed_at": T0}
            for pid, lang in (("e", "en"), ("r", "ru"))
            for index, votes in enumerate((3, 5))
        ]
    )
    assert poll_groups(tmp_path, [staged]) == {"e": "g", "r": "g"}


def test_first_seen_is_the_earliest_and_last_seen_the_latest_whatever_order_they_are_read_in(tmp_path: Path) -> None:
    day = dt.timedelta(days=1)
    crawl(tmp_path, [article("a", "A", T0)])
    store = DatasetStore(tmp_path)
    store.add("articles", [article("a", "A", T0 + day)])
    url = article("a", "A", T0)["url"]
    store.seen(url, T0 + 3 * day)
    store.seen(url, T0 + 2 * day)  # an older mark read last
    store.commit()
    row = pd.read_parquet(tmp_path / "articles").iloc[0]
    assert (row["first_seen"], row["last_seen"]) == (T0, T0 + 3 * day)


def test_a_fetch_that_saw_no_listing_keeps_the_listing_hash_known(tmp_path: Path) -> None:
    day = dt.timedelta(days=1)
    crawl(tmp_path, [{**article("a", "A", T0), "listing_hash": "h1"}])
    crawl(tmp_path, [article("a", "A", T0 + day)])  # found by the sitemap this time: no listing entry
    assert pd.read_parquet(tmp_path / "articles")["listing_hash"].tolist() == ["h1"]
    crawl(tmp_path, [{**article("a", "A", T0 + 2 * day), "listing_hash": "h3"}])
    crawl(tmp_path, [article("a", "A", T0 + 3 * day)])
    assert pd.read_parquet(tmp_path / "articles")["listing_hash"].tolist() == ["h3"]


def test_a_commit_counts_the_rows_it_wrote_in_every_dataset(tmp_path: Path) -> None:
    store = crawl(tmp_path, [article("a", "A", T0, authors=("Ivan Ivanov",)), article("b", "Б", T0, lang="ru")])
    assert store.written == {
        "articles": 2,
        "article_versions": 2,
        "authors": 1,
        "failures": 0,
        "polls": 0,
    }
    again = crawl(tmp_path, [article("a", "A", T0 + dt.timedelta(days=1), authors=("Ivan Ivanov",))])
    # only the English partition is written again; one version, since the text did not change
    assert again.written == {"articles": 1, "article_versions": 1, "authors": 1, "failures": 0, "polls": 0}


def test_an_author_has_the_bio_of_the_latest_fetch_that_printed_one_and_any_profile_link(tmp_path: Path) -> None:
    def by(slug: str, fetched: dt.datetime, bio: str | None, url: str | None) -> dict:
        row = article(slug, slug.upper(), fetched)
        return {**row, "authors": [{"name": "Ivan Ivanov", "bio": bio, "url": url}]}

    profile = "https://russiancouncil.ru/en/about-us/experts/ivanov/"
    rows = [  # stored in this order: an older bio is read after the latest
        by("newest", T0 + dt.timedelta(days=3), None, None),
        by("newer", T0 + dt.timedelta(days=2), "The newer bio.", None),
        by("same", T0 + dt.timedelta(days=2), "Another bio of the same day.", None),
        by("older", T0 + dt.timedelta(days=1), "The older bio.", profile),
    ]
    crawl(tmp_path, rows)
    authors = pd.read_parquet(tmp_path / "authors")
    assert authors[["name", "bio", "url", "article_count"]].to_dict("records") == [
        {"name": "Ivan Ivanov", "bio": "Another bio of the same day.", "url": profile, "article_count": 4}
    ]


def test_a_commit_removes_the_temporary_files_of_a_process_killed_while_writing(tmp_path: Path) -> None:
    (tmp_path / ".writing").mkdir()
    (tmp_path / ".writing" / "articles-part-0.parquet.0123abcd.tmp").write_bytes(b"half a file")
    crawl(tmp_path, [article("a", "A", T0)])
    assert not (tmp_path / ".writing").exists()


def test_a_crawl_id_that_names_no_file_is_refused_quoted_in_80_characters(tmp_path: Path) -> None:
    bad = "../" + "x" * 100
    with pytest.raises(ValueError) as raised:
        DatasetStore(tmp_path, crawl_id=bad)
    assert str(raised.value) == f"a crawl id names files: {bad[:80]!r} is not one"


def test_a_file_is_read_in_batches_of_a_row_group(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from riac_scraper.storage.store import ROW_GROUP_ROWS

    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"n": range(2500)}), path)  # one row group of 2,500 rows
    batches = list(DatasetStore(tmp_path)._batches(path, None))
    assert [b.num_rows for b in batches] == [ROW_GROUP_ROWS, ROW_GROUP_ROWS, 500]


def test_the_future_begins_a_day_after_the_commits_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    import types

    from riac_scraper.storage import store as store_module

    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:
            return now

    monkeypatch.setattr(store_module, "dt", types.SimpleNamespace(datetime=Frozen, UTC=dt.UTC, timedelta=dt.timedelta))
    horizon = now + dt.timedelta(days=1)
    crawl(tmp_path, [in_crawl(article("a", "Old", T0), "20260101T000000Z-aaaaaa")])
    at_horizon = crawl(tmp_path, [in_crawl(article("a", "At the horizon", horizon), "20260602T000000Z-bbbbbb")])
    assert at_horizon.future_dated == []
    assert pd.read_parquet(tmp_path / "articles")["title"].tolist() == ["At the horizon"]
    beyond = horizon + dt.timedelta(seconds=1)
    with caplog.at_level("WARNING", logger="riac_scraper.storage.store"):
        past_it = crawl(tmp_path, [in_crawl(article("a", "Past it", beyond), "20260602T000001Z-cccccc")])
    key = pd.read_parquet(tmp_path / "articles")["article_id"][0]
    assert past_it.future_dated == [key]
    assert pd.read_parquet(tmp_path / "articles")["title"].tolist() == ["At the horizon"]
    assert caplog.messages == [
        f"article {key}: fetched {beyond} in crawl 20260602T000001Z-cccccc, in the future: ranked oldest"
    ]


def test_a_crawl_that_only_saw_its_articles_again_moves_their_last_seen(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "A", T0), article("b", "Б", T0, lang="ru")])
    store = DatasetStore(tmp_path)
    store.seen(article("b", "Б", T0, lang="ru")["url"], T0 + dt.timedelta(days=5))  # nothing fetched, one mark
    store.commit()
    df = pd.read_parquet(tmp_path / "articles").set_index("title")
    assert df.loc["Б", "last_seen"] == T0 + dt.timedelta(days=5) and df.loc["A", "last_seen"] == T0


def test_a_lead_that_is_the_sites_gives_way_in_the_stored_row(tmp_path: Path) -> None:
    from riac_scraper.storage.sitetext import MIN_PAGES

    banner = "This site uses cookies; by reading on you agree to them being stored on your device."
    rows = []
    for n in range(MIN_PAGES):
        art = Article(
            url=f"https://russiancouncil.ru/en/news/n{n}/",
            lang="en",
            section="news",
            title=f"Title {n}",
            lead=banner,
            paragraphs=[banner, f"Article {n} opens with its own lead, number {n}.", "More of its body."],
            fetched_at=T0,
        )
        rows.append(article_row(art))
    assert rows[0]["lead"] == banner
    crawl(tmp_path, rows)
    df = pd.read_parquet(tmp_path / "articles").sort_values("title")
    assert df["lead"].tolist() == [f"Article {n} opens with its own lead, number {n}." for n in range(MIN_PAGES)]


def test_of_two_fetches_alike_in_one_crawl_the_later_staged_wins_with_its_listing_hash(tmp_path: Path) -> None:
    first = {**article("a", "First staged", T0), "listing_hash": "h1"}
    second = {**article("a", "Second staged", T0), "listing_hash": "h2"}
    crawl(tmp_path, [first, second])
    stored = pd.read_parquet(tmp_path / "articles")
    assert stored[["title", "listing_hash"]].values.tolist() == [["Second staged", "h2"]]
    third = article("a", "Third staged", T0)  # no listing entry: it keeps the hash of the later of the two
    crawl(tmp_path / "again", [first, second, third])
    stored = pd.read_parquet(tmp_path / "again" / "articles")
    assert stored[["title", "listing_hash"]].values.tolist() == [["Third staged", "h2"]]


def test_every_crawl_folded_in_counts_its_rows(tmp_path: Path) -> None:
    for n, crawl_id in enumerate(("20260101T000000Z-aaaaaa", "20260102T000000Z-bbbbbb")):
        killed = DatasetStore(tmp_path, crawl_id=crawl_id)
        killed.add("articles", [article(f"k{n}", f"K{n}", T0, authors=("Ivan Ivanov",))])
        killed.close_staging()
    later = crawl(tmp_path, [article("c", "C", T0 + dt.timedelta(1))])
    assert later.written["articles"] == 1 + 2 + 3  # the English file written by each fold in turn
    assert later.written["authors"] == 1 + 1 + 1  # and the authors, rebuilt by each


def test_a_stored_poll_of_a_version_without_groups_is_a_group_of_its_own_when_its_part_is_written_again(
    tmp_path: Path,
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    store = DatasetStore(tmp_path, CRAWL)
    store.add("polls", poll("en-1", "en", (3, 4)))
    store.commit()
    store.discard_staging()
    (part,) = (tmp_path / "polls" / "lang=en").glob("part-2*.parquet")
    table = pq.read_table(part)
    index = table.schema.get_field_index("poll_group")
    pq.write_table(table.set_column(index, table.schema.field(index), pa.nulls(len(table), pa.string())), part)
    resumed = DatasetStore(tmp_path, CRAWL)
    resumed.add("polls", poll("en-3", "en", (5, 6)))
    resumed.commit()
    assert groups(tmp_path) == {"en-1": "en-1", "en-3": "en-3"}


def test_what_discovery_knew_at_the_end_is_the_found_by_of_this_crawls_rows_only(tmp_path: Path) -> None:
    old, new = article("a", "A", T0), article("b", "B", T0 + dt.timedelta(days=1))
    crawl(tmp_path, [{**old, "found_by": ["listings"]}])
    store = DatasetStore(tmp_path)
    store.add("articles", [{**new, "found_by": ["links"]}])
    store.seen(old["url"], T0 + dt.timedelta(days=1))  # "a" not fetched again: its stored row stays
    store.found_by = {old["url"]: ["listings", "sitemap"], new["url"]: ["links", "sitemap"]}
    store.commit()
    df = pd.read_parquet(tmp_path / "articles").set_index("title")
    assert [list(df.loc[t, "found_by"]) for t in ("A", "B")] == [["listings"], ["links", "sitemap"]]


def test_a_row_that_discoverys_account_does_not_name_keeps_its_own_found_by(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    store.add("articles", [{**article("a", "A", T0), "found_by": []}])
    store.found_by = {"https://russiancouncil.ru/en/news/other/": ["sitemap"]}
    store.commit()
    assert list(pd.read_parquet(tmp_path / "articles")["found_by"][0]) == []


def test_versions_files_other_than_the_one_a_commit_writes_are_removed(tmp_path: Path) -> None:
    import shutil

    crawl(tmp_path, [article("a", "A", T0)])
    folder = tmp_path / "article_versions" / "lang=en"
    shutil.copy(folder / "part-0.parquet", folder / "part-old.parquet")  # as a version before 0.2 left it
    crawl(tmp_path, [article("b", "B", T0)])
    assert sorted(p.name for p in folder.iterdir()) == ["part-0.parquet"]


def test_the_poll_rows_of_every_part_are_counted(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path, CRAWL)
    store.add("polls", poll("en-1", "en", (3, 4)) + poll("ru-1", "ru", (3, 4, 5)))
    store.commit()
    assert store.written["polls"] == 2 + 3
