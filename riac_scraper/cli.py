"""The ``riac`` command.

riac crawl [--mirror] [--output DIR] [-a NAME=VALUE ...] [-s NAME=VALUE ...]
riac mirror [--port PORT] [--root DIR]
riac extract PAGE.html --url URL        (PAGE may be - for stdin)
riac summary [DIR]
riac report [DIR]                       the crawl report as Markdown (the scheduled workflow's job summary)
riac recover DIR                        fold in rows staged by a crawl whose commit failed
riac reextract ARCHIVE... --output DIR  the datasets again from WARC archives (see reextract.py)
riac show-page ARTICLE_ID [--output DIR] [--archive DIR]   print the page a row came from
riac verify DIR [--archive D] [--jobdir D]  check the datasets, their archive records, staging and lock
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The crawl's modules are imported by the commands that use them, not by
# every ``riac``.  (Re-extraction still imports Scrapy, through the archive
# and validation modules: BENCHMARKS.md, 2026-12-04.)
from riac_scraper.storage.outputdir import OutputError, OutputLock, describe


class UsageError(Exception):
    """A wrong argument: one line for the user, exit status 2."""


def _pairs(values: list[str], flag: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name:
            raise UsageError(f"{flag} takes NAME=VALUE, got {value!r}")
        pairs[name] = setting
    return pairs


def _port(value: str) -> int:
    number = int(value) if value.isdigit() else -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 0 to 65535, got {value!r}")
    return number


def _positive(value: str) -> int:
    number = int(value) if value.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"takes a number of 1 or more, got {value!r}")
    return number


def summarize(output: Path) -> str:
    """A short text summary of the datasets under ``output``."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    lines = [f"datasets in {output}:"]
    for name in ("articles", "article_versions", "authors", "polls", "failures"):
        path = output / name
        if not path.is_dir():
            lines.append(f"  {name:<16} (none)")
            continue
        columns = ["lang", "stage", "reason"] if name == "failures" else ["lang"]  # not the article texts
        try:
            table = ds.dataset(path, partitioning="hive").to_table(columns=columns)
        except (pa.ArrowException, OSError) as exc:
            raise UsageError(f"{path} is not a dataset: {str(exc).splitlines()[0]}") from exc
        by_lang = Counter(str(lang) for lang in table.column("lang").to_pylist())
        langs = ", ".join(f"{k}: {v}" for k, v in sorted(by_lang.items()))
        lines.append(f"  {name:<16} {table.num_rows:>6} rows  ({langs or 'empty'})")
        if name == "failures" and table.num_rows:
            reasons = Counter(
                f"{stage}: {reason}"
                for stage, reason in zip(
                    table.column("stage").to_pylist(), table.column("reason").to_pylist(), strict=True
                )
            )
            lines.extend(f"      {count} x {reason}" for reason, count in sorted(reasons.items()))
    return "\n".join(lines)


def _run_spider(
    args: argparse.Namespace, settings: Any, check: Callable[[dict[str, str]], Callable[[], None] | None]
) -> tuple[Any, dict[str, str], float] | None:
    """Runs the riac spider with the ``-a`` pairs (against the bundled mirror
    with ``--mirror``), after ``check(spider_args)``, whose result, when there
    is one, is called once the crawl ends: (crawler, spider arguments,
    seconds), or None after printing the one line of a usage error."""
    from scrapy.crawler import CrawlerProcess

    from riac_scraper.crawl.commands.crawl import USAGE_ERRORS

    spider_args = _pairs(args.arg, "-a")
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        if args.mirror:
            from riac_scraper.devtools.mirror import BUNDLED_MIRROR, Mirror

            mirror = stack.enter_context(Mirror(Path(args.mirror_root or BUNDLED_MIRROR)))
            spider_args["base_url"] = mirror.base_url
        try:
            cleanup = check(spider_args)
        except USAGE_ERRORS as exc:
            print(f"riac: {exc}", file=sys.stderr)
            return None
        if cleanup is not None:
            stack.callback(cleanup)
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("riac")
        process.crawl(crawler, **spider_args)
        process.start()
    return crawler, spider_args, time.monotonic() - started


def cmd_crawl(args: argparse.Namespace) -> int:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "riac_scraper.settings")
    from scrapy.utils.project import get_project_settings

    from riac_scraper.crawl.commands.crawl import prepare, verdict
    from riac_scraper.crawl.monitor import REPORT_NAME

    settings = get_project_settings()
    overrides = _pairs(args.set, "-s")
    settings.setdict(overrides, priority="cmdline")
    if args.output is not None and overrides.get("RIAC_OUTPUT", args.output) != args.output:
        raise UsageError(f"--output {args.output} and -s RIAC_OUTPUT={overrides['RIAC_OUTPUT']} disagree")
    output = Path(args.output or settings.get("RIAC_OUTPUT"))
    settings.set("RIAC_OUTPUT", str(output), priority="cmdline")
    settings.set("RIAC_WRITE_DATASETS", True, priority="cmdline")
    ran = _run_spider(args, settings, lambda spider_args: prepare(settings, spider_args).release)
    if ran is None:
        return 2
    crawler, _, took = ran
    stats = crawler.stats.get_stats() if crawler.stats else {}
    print(
        f"\ncrawl {stats.get('riac/crawl_id', '?')} took {took:.1f} s: "
        f"{stats.get('response_received_count', 0)} responses, "
        f"{stats.get('riac/written/articles', 0)} article rows merged"
    )
    print(summarize(output))
    problems = verdict(crawler) if stats else ["the crawl did not start (see the log above)"]
    for problem in problems:
        print(f"riac: crawl failed: {problem}", file=sys.stderr)
    print(f"report: {output / REPORT_NAME}")
    return 1 if problems else 0


def cmd_probe(args: argparse.Namespace) -> int:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "riac_scraper.settings")
    from scrapy.utils.project import get_project_settings

    from riac_scraper.crawl.commands.crawl import USAGE_ERRORS
    from riac_scraper.crawl.probe import probe_report
    from riac_scraper.crawl.spider import check_arguments
    from riac_scraper.crawl.thresholds import read_thresholds

    if args.articles < 1:
        raise UsageError(f"--articles takes a number of 1 or more, got {args.articles}")
    settings = get_project_settings()
    settings.setdict({"LOG_LEVEL": "WARNING", **_pairs(args.set, "-s")}, priority="cmdline")
    settings.set("RIAC_PROBE", args.articles, priority="cmdline")  # and no RIAC_WRITE_DATASETS: nothing is stored
    # what only a crawl that stores runs: off, rather than logging that it is disabled
    for name, off in (("EXTENSIONS", ("CrawlMonitor", "WarcArchive")), ("ITEM_PIPELINES", ("ParquetPipeline",))):
        components = settings.getdict(name)
        settings.set(name, {k: None if k.rsplit(".", 1)[-1] in off else v for k, v in components.items()}, "cmdline")
    try:
        thresholds = read_thresholds(settings)
    except USAGE_ERRORS as exc:
        print(f"riac: {exc}", file=sys.stderr)
        return 2
    ran = _run_spider(args, settings, check_arguments)
    if ran is None:
        return 2
    crawler, spider_args, took = ran
    spider = crawler.spider
    if spider is None or not crawler.stats or not crawler.stats.get_value("response_received_count"):
        print("riac: probe failed: no page could be fetched (see the log above)", file=sys.stderr)
        return 1
    report = probe_report(spider, thresholds)
    target = spider_args.get("base_url") or "https://russiancouncil.ru"
    responses = crawler.stats.get_value("response_received_count")
    print(f"probe of {target} took {took:.1f} s, {responses} responses")
    print("\n".join(report.lines))
    for problem in report.problems:
        print(f"riac: probe failed: {problem}", file=sys.stderr)
    if not report.problems:
        print("probe passed")
    return 1 if report.problems else 0


def cmd_mirror(args: argparse.Namespace) -> int:
    from riac_scraper.devtools.faults import FaultPlan
    from riac_scraper.devtools.mirror import BUNDLED_MIRROR, Mirror

    faults = FaultPlan(args.faults) if args.faults is not None else None
    root = Path(args.root or BUNDLED_MIRROR)
    if not root.is_dir():
        raise UsageError(f"--root is not a directory: {root}")
    try:
        server = Mirror(root, port=args.port, faults=faults)
    except OSError as exc:
        raise UsageError(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc}") from exc
    with server as mirror:
        print(mirror.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            mirror.thread.join()
    return 0


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def cmd_extract(args: argparse.Namespace) -> int:
    from riac_scraper.api import extract
    from riac_scraper.urls import canonical_url

    if canonical_url(args.url) is None:
        raise UsageError(f"--url must be the page's address on russiancouncil.ru, got {args.url!r}")
    try:
        page = sys.stdin.buffer.read() if args.page == "-" else Path(args.page).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.page}: {exc.strerror}") from exc
    rows = extract(page, args.url)
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=2, default=_json_default)
    print()
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from riac_scraper.crawl.monitor import REPORT_NAME
    from riac_scraper.crawl.summary import summary_of

    print(summary_of(Path(args.output), REPORT_NAME))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from riac_scraper.devtools.bench import main as bench

    return bench(args.flags)


def cmd_recover(args: argparse.Namespace) -> int:
    """Fold the staged rows that crawls left in ``DIR`` (killed, or their commit
    failed) into its datasets, as the next crawl into it would."""
    from riac_scraper.storage.store import DatasetStore

    output = Path(args.output)
    if not output.is_dir():
        raise UsageError(f"no such dataset directory: {output}")
    if not (output / ".staging").is_dir():
        print(f"riac: nothing to recover in {output}: no staged rows")
        return 0
    try:
        with OutputLock(output):
            store = DatasetStore(output)
            crawls = store.orphaned_crawls()
            store.commit()
            store.discard_staging()
    except OutputError as exc:
        print(f"riac: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"riac: recovering {output} failed, the staged rows are kept: {describe(exc)}", file=sys.stderr)
        return 1
    written = ", ".join(f"{name} {rows}" for name, rows in store.written.items())
    print(f"riac: folded in the staged rows of {len(crawls)} crawl(s) ({', '.join(crawls)}); rows written: {written}")
    print(summarize(output))
    return 0


def cmd_reextract(args: argparse.Namespace) -> int:
    from riac_scraper.reextract import ArchiveError, Interrupted, reextract

    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        print(f"riac: {done}/{total} archive parts read", file=sys.stderr, flush=True)

    try:
        store = reextract(
            args.archives,
            args.output,
            workers=args.workers,
            dask=args.dask == "local",
            scheduler=args.scheduler,
            progress=progress,
        )
    except (ArchiveError, OutputError) as exc:
        print(f"riac: {exc}", file=sys.stderr)
        return 2
    except Interrupted as exc:
        if exc.parts:
            print(f"riac: re-extraction interrupted; the rows read so far are staged: riac recover {args.output}",
                  file=sys.stderr)  # fmt: skip
        else:
            print("riac: re-extraction interrupted before any rows were read; nothing is staged", file=sys.stderr)
        return 130
    except KeyboardInterrupt:  # before reading, or in the commit, whose staged rows stay as a crawl's do
        print(f"riac: re-extraction interrupted; riac recover {args.output} commits what it staged", file=sys.stderr)
        return 130
    written = ", ".join(f"{name} {rows}" for name, rows in store.written.items())
    print(f"riac: re-extracted in {time.monotonic() - started:.1f} s; rows written: {written}")
    print(summarize(Path(args.output)))
    if store.future_dated:
        print(
            f"riac: warning: {len(store.future_dated)} article(s) fetched, by their records, in the future "
            f"(e.g. {store.future_dated[0]}): ranked below every fetch with a true date",
            file=sys.stderr,
        )
    for reason in store.unread:
        print(f"riac: {reason}", file=sys.stderr)
    return 1 if store.unread else 0


def cmd_show_page(args: argparse.Namespace) -> int:
    """Print the page an article row came from, as the crawl received it."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from riac_scraper.storage.archive import read_info
    from riac_scraper.urls import site_url

    output = Path(args.output)
    if not (output / "articles").is_dir():
        print(f"riac: no articles dataset in {output}", file=sys.stderr)
        return 2
    table = ds.dataset(output / "articles", partitioning="hive").to_table(
        columns=["article_id", "url", "warc_file", "warc_offset"], filter=pc.field("article_id") == args.article_id
    )
    if not table.num_rows:
        print(f"riac: no article {args.article_id} in {output}", file=sys.stderr)
        return 2
    row = table.to_pylist()[0]
    if not row["warc_file"]:
        print(f"riac: article {args.article_id} was stored without an archive record", file=sys.stderr)
        return 2
    name, offset = row["warc_file"], row["warc_offset"]
    if Path(name).name != name or name in (".", "..") or "\\" in name or not isinstance(offset, int) or offset < 0:
        # a dataset column is data: it names a file in the archive folder, never a path out of it
        print(f"riac: article {args.article_id} names no archive record: {name!r} at {offset!r}", file=sys.stderr)
        return 2
    path = Path(args.archive or output / "archive") / name
    try:
        with path.open("rb") as fh:
            base = read_info(fh).get("riac-base-url") or None
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
            body = record.content_stream().read()
    except (OSError, StopIteration, ArchiveLoadFailed) as exc:
        print(f"riac: cannot read the record of {row['url']} in {path}: {exc}", file=sys.stderr)
        return 1
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.rec_type != "response" or site_url(uri, base) != row["url"]:
        found = f"{record.rec_type} {uri}"
        print(f"riac: the record at {name}:{offset} is not {row['url']} (it is {found})", file=sys.stderr)
        return 1
    print(f"riac: {row['url']} as received {record.rec_headers.get_header('WARC-Date')}", file=sys.stderr)
    sys.stdout.buffer.write(body)
    sys.stdout.flush()
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """The integrity check before publishing: exit 1 with a count per problem."""
    from riac_scraper.storage.verify import verify

    output = Path(args.output)
    if not output.is_dir():
        raise UsageError(f"no such dataset directory: {output}")
    try:
        result = verify(output, args.archive, args.jobdir)
    except OutputError as exc:
        print(f"riac: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"riac: cannot verify {output}: {describe(exc)}", file=sys.stderr)
        return 2
    lines = result.lines()
    print("\n".join(lines), file=sys.stderr if result.problems else sys.stdout)
    return 1 if result.problems else 0


def cmd_summary(args: argparse.Namespace) -> int:
    if not Path(args.output).is_dir():
        raise UsageError(f"no dataset directory {args.output}")
    print(summarize(Path(args.output)))
    return 0


def main(argv: list[str] | None = None) -> int:
    from riac_scraper import __version__

    parser = argparse.ArgumentParser(prog="riac", description="RIAC (russiancouncil.ru) research datasets")
    parser.add_argument("--version", action="version", version=f"riac-scraper {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    crawl = commands.add_parser("crawl", help="crawl into Parquet datasets and print a summary")
    crawl.add_argument("--mirror", action="store_true", help="serve the bundled mirror on loopback and crawl it")
    crawl.add_argument("--mirror-root", help=argparse.SUPPRESS)
    crawl.add_argument("--output", help="dataset directory (default: -s RIAC_OUTPUT, else output)")
    crawl.add_argument("-a", dest="arg", action="append", default=[], metavar="NAME=VALUE", help="spider argument")
    crawl.add_argument("-s", dest="set", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting")
    crawl.set_defaults(run=cmd_crawl)

    probe = commands.add_parser("probe", help="a one-minute look at the site before a long crawl; stores nothing")
    probe.add_argument("--mirror", action="store_true", help="probe the bundled mirror on loopback")
    probe.add_argument("--mirror-root", help=argparse.SUPPRESS)
    probe.add_argument("--articles", type=int, default=20, help="articles to read, spread over sections (20)")
    probe.add_argument("-a", dest="arg", action="append", default=[], metavar="NAME=VALUE", help="spider argument")
    probe.add_argument("-s", dest="set", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting")
    probe.set_defaults(run=cmd_probe)

    mirror = commands.add_parser("mirror", help="serve a mirror of the site on 127.0.0.1")
    mirror.add_argument("--port", type=_port, default=0, help="0 picks a free port (default)")
    mirror.add_argument("--root", help="mirror directory (default: the bundled one)")
    mirror.add_argument("--faults", type=int, metavar="SEED", help="misbehave on a schedule from this seed")
    mirror.set_defaults(run=cmd_mirror)

    extract = commands.add_parser("extract", help="print the rows a crawl would store for one page, as JSON")
    extract.add_argument("page", help="saved HTML page, or - for stdin")
    extract.add_argument("--url", required=True, help="the page's URL on russiancouncil.ru")
    extract.set_defaults(run=cmd_extract)

    report = commands.add_parser("report", help="the crawl report of a directory as Markdown (a CI job summary)")
    report.add_argument("output", nargs="?", default="output")
    report.set_defaults(run=cmd_report)

    summary = commands.add_parser("summary", help="summarize the datasets in a directory")
    summary.add_argument("output", nargs="?", default="output")
    summary.set_defaults(run=cmd_summary)

    reextract = commands.add_parser("reextract", help="the datasets again, from WARC archives, with no network")
    reextract.add_argument("archives", nargs="+", metavar="ARCHIVE", help="WARC files (paths or globs)")
    reextract.add_argument("--output", required=True, help="dataset directory")
    reextract.add_argument("--workers", type=_positive, default=1, help="local processes (default 1)")
    reextract.add_argument("--dask", choices=["local"], help="run on a dask.distributed LocalCluster of --workers")
    reextract.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask cluster")
    reextract.set_defaults(run=cmd_reextract)

    show = commands.add_parser("show-page", help="print the page an article row came from, as received")
    show.add_argument("article_id", help="the row's article_id")
    show.add_argument("--output", default="output", help="dataset directory (default: output)")
    show.add_argument("--archive", help="archive directory (default: OUTPUT/archive)")
    show.set_defaults(run=cmd_show_page)

    check = commands.add_parser("verify", help="check datasets, archive records, staging and lock before publishing")
    check.add_argument("output", help="the dataset directory")
    check.add_argument("--archive", help="archive directory (default: OUTPUT/archive)")
    check.add_argument("--jobdir", help="the JOBDIR of a crawl to be resumed: its staged rows are expected")
    check.set_defaults(run=cmd_verify)

    recover = commands.add_parser("recover", help="fold in rows staged by crawls that could not commit them")
    recover.add_argument("output", help="the dataset directory")
    recover.set_defaults(run=cmd_recover)

    # The benchmark's own parser reads its flags (riac bench --help lists them): the
    # development tools are loaded only when run.
    bench = commands.add_parser(
        "bench",
        add_help=False,
        help="measure throughput, per-page cost, memory and incremental re-crawls (riac_scraper/devtools/bench.py)",
    )
    bench.set_defaults(run=cmd_bench)

    args, flags = parser.parse_known_args(argv)
    if args.run is cmd_bench:
        args.flags = flags
    elif flags:
        parser.error(f"unrecognized arguments: {' '.join(flags)}")
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"riac: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `riac summary | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
