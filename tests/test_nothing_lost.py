"""Nothing lost silently: every article page the crawl decided to fetch ends
as a row, a failure with a reason, or an unchanged stored row; a crawl that
could not write, was interrupted, or was refused by robots.txt fails; the
crawl stays inside its hosts and ports. Hostile servers on loopback."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from riac_scraper.site import ORIGIN
from riac_scraper.storage.outputdir import OutputLock
from tests.conftest import ROOT, SITE, crawl_command, mirror_counts, run_crawl, run_riac
from tests.hostile import Scripted, article_html, page

pytestmark = pytest.mark.e2e


def report(output: Path) -> dict:
    return json.loads((output / "crawl-report.json").read_text("utf-8"))


def failures(output: Path) -> dict[str, str]:
    df = pd.read_parquet(output / "failures")
    return dict(zip(df["url"], df["reason"], strict=True))


# ------------------------------------------------------------------ writes
def test_a_failed_commit_fails_the_crawl_and_riac_recover_folds_the_rows_in(tmp_path: Path, mirror) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "articles").write_text("not a folder")  # the datasets folder is blocked by a file
    result = run_crawl(mirror.base_url, out)
    assert result.returncode == 1
    verdict = report(out)
    assert verdict["passed"] is False
    (problem,) = [p for p in verdict["problems"] if "could not be written" in p]
    assert "articles" in problem and ("EEXIST" in problem or "ENOTDIR" in problem)
    assert list((out / ".staging").iterdir()), "the staged rows are kept"
    (out / "articles").unlink()
    recovered = run_riac("recover", str(out))
    assert recovered.returncode == 0, recovered.stderr
    assert len(pd.read_parquet(out / "articles")) == mirror_counts()["articles"]
    assert not (out / ".staging").exists()


def test_an_output_directory_that_cannot_be_written_is_found_before_the_first_request(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file, not a directory")
    with Scripted(root=SITE) as server:
        result = run_crawl(server.base_url, tmp_path / "file" / "out")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("riac: cannot write to the output directory")
    assert "Traceback" not in result.stderr
    assert sum(server.requests.values()) == 0


def test_a_second_writer_exits_2_naming_the_holder(tmp_path: Path, mirror) -> None:
    with OutputLock(tmp_path):
        result = run_crawl(mirror.base_url, tmp_path)
        riac = run_riac("recover", str(tmp_path))
    assert result.returncode == 2
    import os

    line = result.stderr.strip().splitlines()[-1]
    assert "is in use by another crawl" in line and f"PID {os.getpid()}" in line
    assert riac.returncode in (0, 2)  # nothing staged: recover has nothing to do and says so


def test_ctrl_c_twice_fails_the_crawl_and_leaves_no_passing_report(tmp_path: Path, mirror) -> None:
    out = tmp_path / "out"
    assert run_crawl(mirror.base_url, out).returncode == 0
    assert report(out)["passed"] is True
    with Scripted(answers=lambda target: (time.sleep(0.5), None)[1], root=SITE) as slow:
        process = subprocess.Popen(
            crawl_command(slow.base_url, out, "-a", "full=1"),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while report(out).get("finish_reason", "") is not None and time.monotonic() < deadline:
            time.sleep(0.1)  # until the running crawl has replaced the old report
        process.send_signal(signal.SIGINT)
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "crawl failed" in stderr
    assert report(out)["passed"] is False


# -------------------------------------------------------------- boundaries
def test_redirects_to_another_port_or_scheme_are_refused_and_recorded(tmp_path: Path) -> None:
    with Scripted(answers=lambda target: (200, {}, article_html("Another Service"))) as other:
        targets = {
            "/en/news/moved-to-another-port/": (301, {"Location": f"{other.base_url}/en/news/x/"}, b""),
            "/en/news/moved-for-a-while/": (307, {"Location": f"{other.base_url}/en/news/y/"}, b""),
            "/en/news/refreshed-elsewhere/": (
                200,
                {},
                page("", head=f'<meta http-equiv="refresh" content="0; url={other.base_url}/en/news/z/">'),
            ),
            "/en/news/moved-to-ftp/": (302, {"Location": "ftp://russiancouncil.ru/en/news/x/"}, b""),
        }
        with Scripted(answers=targets, root=SITE) as server:
            urls = tmp_path / "urls.txt"
            urls.write_text("\n".join(["http://[::1/", *(ORIGIN + path for path in targets)]), "utf-8")
            result = run_crawl(server.base_url, tmp_path / "out", "-a", f"urls={urls}")
    assert sum(other.requests.values()) == 0, "another service on this machine was asked for pages"
    assert result.returncode == 1
    reasons = failures(tmp_path / "out")
    assert set(reasons) == {ORIGIN + path for path in targets}
    assert reasons.pop(ORIGIN + "/en/news/moved-to-ftp/") == "HTTP 302"  # not an HTTP redirect: not followed
    assert set(reasons.values()) == {"IgnoreRequest: outside the crawl's hosts and ports"}


def test_robots_txt_answering_500_means_no_page_and_a_failed_crawl(tmp_path: Path) -> None:
    with Scripted(answers={"/robots.txt": (500, {}, b"oops")}, root=SITE) as server:
        result = run_crawl(server.base_url, tmp_path / "out")
    assert set(server.requests) == {"/robots.txt"}
    assert result.returncode == 1
    assert "robots.txt answered HTTP 500: read as disallowing every page" in result.stderr


def test_robots_txt_answering_404_allows_everything(tmp_path: Path) -> None:
    with Scripted(answers={"/robots.txt": (404, {}, b"")}, root=SITE) as server:
        result = run_crawl(server.base_url, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(pd.read_parquet(tmp_path / "out" / "articles")) == mirror_counts()["articles"]


def test_remote_control_and_telnet_are_off() -> None:
    for name in ("REMOTE_CONTROL_ENABLED", "TELNETCONSOLE_ENABLED"):
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "settings", "--get", name],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == "False"


def test_an_endless_listing_ends_and_a_too_long_url_is_a_failure(tmp_path: Path) -> None:
    long_slug = "x" * 5000

    def answer(target: str):  # type: ignore[no-untyped-def]
        if (target.startswith("/en/news/") and "PAGEN_1" in target) or target == "/en/news/":
            n = int(target.split("PAGEN_1=")[1]) if "PAGEN_1" in target else 1
            links = f'<a href="/en/news/story-{n}/">Story {n}</a> <a href="/en/news/{long_slug}/">Long</a>'
            return 200, {}, page(f"{links} <a href='/en/news/?PAGEN_1={n + 1}'>Next</a>")
        if target.startswith("/en/news/story-"):
            return 200, {}, article_html(f"Story {target}")
        return None

    with Scripted(answers=answer, root=None) as server:
        result = run_crawl(
            server.base_url, tmp_path / "out", "-a", "sections=news", "-a", "lang=en",
            "-s", "RIAC_MAX_LISTING_PAGES=5", "-s", "RIAC_MAX_FAILURE_SHARE=1",
        )  # fmt: skip
    listing_pages = [t for t in server.requests if t.startswith("/en/news/?") or t == "/en/news/"]
    assert len(listing_pages) == 6  # the first page and five more
    assert result.returncode == 1  # a listing not read to its end fails the crawl, saying so
    assert "the en/news listing has pages past RIAC_MAX_LISTING_PAGES=5" in result.stderr
    reasons = failures(tmp_path / "out")
    (long_url,) = [u for u in reasons if long_slug in u]
    assert reasons[long_url].startswith("URL longer than URLLENGTH_LIMIT=2083 characters")


# -------------------------------------------------------------- accounting
def _hostile_site(seed: int, other_port: int) -> tuple[dict[str, tuple[int, dict[str, str], bytes]], set[str]]:
    """A listing of hostile links and pages, drawn from ``seed``; and the article paths it lists."""
    rng = random.Random(seed)
    answers: dict[str, tuple[int, dict[str, str], bytes]] = {}
    listed: set[str] = set()
    kinds = [
        "plain", "huge-votes", "poll-past-int32", "many-options", "impossible-date", "deep", "404", "500",
        "redirect-other-port", "redirect-inside", "bad-author-link", "not-html",
    ]  # fmt: skip
    links = []
    for n in range(24):
        kind = rng.choice(kinds)
        path = f"/en/analytics-and-comments/comments/hostile-{seed}-{n}-{kind}/"
        listed.add(path)
        links.append(f'<a href="{path}">Story {n}</a>')
        if rng.random() < 0.5:
            links.append(rng.choice(['<a href="http://[object Object]">x</a>', '<a href="http://[::1/">y</a>']))
        title = f"Hostile Story {seed} {n}"
        if kind == "plain":
            answers[path] = (200, {}, article_html(title))
        elif kind == "huge-votes":
            answers[path] = (200, {}, article_html(title, "<div>(votes: 99999999999, rating: 4.5)</div>"))
        elif kind == "poll-past-int32":
            poll = (
                "<div>Poll conducted</div><div>1. Who?</div><div>A 2147483000 (50%)</div><div>B 2147483000 (50%)</div>"
            )
            answers[path] = (200, {}, article_html(title, "") + poll.encode())
        elif kind == "many-options":
            rows = "".join(f"<div>Option {i}</div><div>{i} (1%)</div>" for i in range(rng.choice((300, 40000))))
            answers[path] = (
                200,
                {},
                article_html(title, "") + f"<div>Poll conducted</div><div>1. Q?</div>{rows}".encode(),
            )
        elif kind == "impossible-date":
            answers[path] = (
                200,
                {},
                article_html(title, head='<meta property="article:published_time" content="2018-02-31">'),
            )
        elif kind == "deep":
            answers[path] = (200, {}, ("<div>" * 3000).encode() + article_html(title) + ("</div>" * 3000).encode())
        elif kind in ("404", "500"):
            answers[path] = (int(kind), {}, b"")
        elif kind == "redirect-other-port":
            answers[path] = (302, {"Location": f"http://127.0.0.1:{other_port}{path}"}, b"")
        elif kind == "redirect-inside":
            target = path.rstrip("/") + "-moved/"
            answers[path] = (301, {"Location": target}, b"")
            answers[target] = (200, {}, article_html(title))
        elif kind == "bad-author-link":
            answers[path] = (
                200,
                {},
                article_html(title, '<div><a href="http://[object Object]">Anna Berg</a></div><div>RIAC expert</div>'),
            )
        else:
            answers[path] = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 not a page")
    answers["/en/analytics-and-comments/comments/"] = (200, {}, page(" ".join(links)))
    answers["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n")
    return answers, listed  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_listed_article_ends_as_a_row_or_a_failure(tmp_path: Path, seed: int) -> None:
    with Scripted(answers=lambda target: None) as other:
        answers, listed = _hostile_site(seed, other.server.server_address[1])
        with Scripted(answers=answers) as server:
            result = run_crawl(
                server.base_url, tmp_path / "out", "-a", "sections=comments", "-a", "lang=en", timeout=300
            )
    assert "Traceback" not in result.stderr
    out = tmp_path / "out"
    rows = set(pd.read_parquet(out / "articles")["url"]) if (out / "articles").exists() else set()
    failed = set(pd.read_parquet(out / "failures")["url"]) if (out / "failures").exists() else set()
    moved = {ORIGIN + p.rstrip("/") + "-moved/" for p in listed}
    for path in listed:
        url = ORIGIN + path
        assert (url in rows) + (url in failed) + (url.rstrip("/") + "-moved/" in rows) == 1, url
    assert rows <= {ORIGIN + p for p in listed} | moved
    accounting = report(out)["accounting"]
    assert accounting["article_pages_decided"] == len(listed) and accounting["unaccounted"] == 0
    assert sum(other.requests.values()) == 0
    assert result.returncode == (1 if len(failed) > 0.1 * len(listed) else 0)


# ------------------------------------------------------------- extraction


def test_a_copy_of_the_site_gives_back_every_page(tmp_path: Path) -> None:
    """The accounting on a clean crawl: every article decided is accounted for."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    with Scripted(root=site) as server:
        assert run_crawl(server.base_url, tmp_path / "out").returncode == 0
    accounting = report(tmp_path / "out")["accounting"]
    assert accounting["unaccounted"] == 0
    assert accounting["article_pages_decided"] == mirror_counts()["articles"]


def test_a_30_mb_robots_txt_is_read_in_its_first_500_kib(tmp_path: Path) -> None:
    padding = b"# a comment line that makes this robots.txt very large indeed\n" * 500_000  # 31 MB
    rules = b"User-agent: *\nDisallow: /en/news/\n"
    late = b"User-agent: *\nDisallow: /\n"  # beyond the first 500 KiB: not read
    robots = (200, {"Content-Type": "text/plain"}, rules + padding + late)
    with Scripted(answers={"/robots.txt": robots}, root=SITE) as server:
        result = run_crawl(server.base_url, tmp_path / "out", "-a", "lang=en", "-s", "RIAC_MAX_FAILURE_SHARE=1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "/en/news/" not in server.requests and server.requests["/en/analytics-and-comments/analytics/"] == 1
    assert failures(tmp_path / "out")["https://russiancouncil.ru/en/news/"] == "IgnoreRequest: Forbidden by robots.txt"


def test_a_next_listing_page_too_long_to_fetch_is_a_failure_row(tmp_path: Path) -> None:
    long_page = "2" + "0" * 2100  # a page number no server means, making a URL past URLLENGTH_LIMIT

    def answer(target: str):  # type: ignore[no-untyped-def]
        if target == "/en/news/":
            links = "".join(f'<a href="/en/news/story-{n}/">Story {n}</a> ' for n in range(3))
            return 200, {}, page(f"{links} <a href='/en/news/?PAGEN_1={long_page}'>Next</a>")
        if target.startswith("/en/news/story-"):
            return 200, {}, article_html(f"Story {target}")
        return None

    with Scripted(answers=answer, root=None) as server:
        run_crawl(server.base_url, tmp_path / "out", "-a", "sections=news", "-a", "lang=en")
    reasons = failures(tmp_path / "out")
    (listing,) = [u for u in reasons if long_page in u]
    assert listing.startswith("https://russiancouncil.ru/en/news/?PAGEN_1=")
    assert reasons[listing].startswith("URL longer than URLLENGTH_LIMIT=2083 characters")
