"""URL rules: one canonical form per page, whatever variant it was seen under."""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlencode, urljoin, urlsplit, urlunsplit

from riac_scraper import site


@dataclass(frozen=True)
class PageKind:
    kind: str  # "article" or "listing"
    lang: str
    section: str


def site_host(host: str) -> bool:
    """True for russiancouncil.ru, www.russiancouncil.ru and their FQDN forms."""
    return host.lower().rstrip(".") in site.HOST_ALIASES


# What RFC 3986 lets a path segment hold unencoded; everything else is percent-encoded.
_SEGMENT_SAFE = "!$&'()*+,;=:@-._~"


def _one_encoding(path: str) -> str:
    """``path`` with every segment percent-encoded one way (UTF-8, upper-case
    hex), so a link written in raw Unicode and one written encoded are one
    URL; an encoded "/" stays encoded, since it is no separator."""
    return "/".join(quote(unquote_to_bytes(segment), safe=_SEGMENT_SAFE) for segment in path.split("/"))


def _clean_path(path: str) -> str:
    path = posixpath.normpath(re.sub(r"/{2,}", "/", _one_encoding(path or "/")))
    if not path.startswith("/"):
        path = "/" + path
    last = path.rsplit("/", 1)[-1]
    if "." not in last and not path.endswith("/"):
        path += "/"
    return path


def _canonical_url(url: str, base: str | None = None) -> str | None:
    """The real-site form of a russiancouncil.ru URL, or None for other hosts
    and for strings that are no URL.

    Host variants (``www.``, ``beta.``, trailing dot, case), AMP copies, fragments, search-highlight and
    tracking parameters and a missing trailing slash all collapse; only a
    listing's pagination parameter survives, since it names a different page.
    ``base`` resolves relative URLs.
    """
    try:
        if base is not None:
            url = urljoin(base, url.strip())
        parts = urlsplit(url.strip())
        hostname = parts.hostname or ""
        _ = parts.port  # raises for a port out of range
    except ValueError:  # "http://[object Object]", "http://[::1/": not a URL at all
        return None
    if parts.scheme not in ("http", "https"):
        return None
    if not site_host(hostname):
        return None
    path = _clean_path(parts.path)
    # only a listing has pages: on an article (or anything else) a page number names nothing
    paged = site.LISTING_PATH.match(path) is not None
    query = [(k, v) for k, v in parse_qsl(parts.query) if paged and site.PAGINATION_PARAM.match(k)]
    query = [(k, v) for k, v in query if v != "1"]  # page 1 is the bare listing
    if amp := site.AMP_PATH.match(path):  # the AMP copy is the same article
        path = (amp["lang"] or "") + amp["rest"]
    return urlunsplit(("https", site.HOST, path, urlencode(sorted(query)), ""))


def _classify(canonical: str) -> PageKind | None:
    """What a canonical URL points at: an article, a listing page, or neither."""
    path = urlsplit(canonical).path
    for kind, pattern in (("article", site.ARTICLE_PATH), ("listing", site.LISTING_PATH)):
        match = pattern.match(path)
        if match:
            section = next(value for name, value in match.groupdict().items() if name != "lang" and value)
            return PageKind(kind, "en" if match.group("lang") else "ru", section)
    return None


# Listing pages repeat the same menus and links. The cached functions are
# wrappers, so that mutation testing (which leaves decorated functions alone)
# reaches the rules themselves.
canonical_cache = functools.lru_cache(maxsize=65536)(_canonical_url)
classify = functools.lru_cache(maxsize=65536)(_classify)


def _origin(base: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


_origin_of = functools.lru_cache(maxsize=256)(_origin)


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).netloc)  # "https://" alone is relative to the page
    except ValueError:
        return False


def canonical_url(url: str, base: str | None = None) -> str | None:
    """``_canonical_url``, cached on what decides the answer: a link with its
    own host, or one from the site's root, resolves the same on every page,
    so the menus and cards that pages repeat are canonicalized once (keyed on
    the page too, they would be once per page).  Only a link relative to the
    page's own path (``?page=2``, ``next/``) is cached with its page."""
    if base is not None:
        url = url.strip()
        if url.startswith("/") and not url.startswith("//") and "/." not in url:
            # (urljoin removes dot segments its own way: "/a//.." is "/a/" to it)
            return canonical_cache(_origin_of(base) + url)
        if url[:8].lower().startswith(("http://", "https://")) and _has_host(url):
            return canonical_cache(url)
    return canonical_cache(url, base)


def url_lang(canonical: str) -> str:
    path = urlsplit(canonical).path
    return "en" if path.startswith("/en/") else "ru"


def fetch_url(canonical: str, base_url: str | None) -> str:
    """Where to fetch a canonical URL from: the live site, or a mirror at ``base_url``."""
    if not base_url:
        return canonical
    parts = urlsplit(canonical)
    base = urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))


def document_url(url: str, base_url: str | None) -> str | None:
    """The site form of a sitemap's or feed's URL, its query kept (it names no
    page), or None for another host, another scheme, or no URL at all."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return None
    on_mirror = bool(base_url) and parts.netloc == urlsplit(base_url).netloc
    if parts.scheme not in ("http", "https") or not (site_host(host) or on_mirror):
        return None
    return urlunsplit(("https", site.HOST, parts.path or "/", parts.query, ""))


def site_url(fetched: str, base_url: str | None) -> str | None:
    """The canonical real-site URL of a fetched URL, the inverse of ``fetch_url``:
    a mirror at ``base_url`` serves the site's paths."""
    parts = urlsplit(fetched)
    if base_url and parts.netloc == urlsplit(base_url).netloc:
        return canonical_url(site.ORIGIN + parts.path + (f"?{parts.query}" if parts.query else ""))
    return canonical_url(fetched)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def within_boundary(url: str, base_url: str | None) -> bool:
    """Whether a crawl may request ``url``: http(s) only, and either the
    site's hosts on their default ports or, for a mirror crawl, exactly the
    mirror's scheme, host and port."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").rstrip(".").lower(), parts.port
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return False
    if base_url:
        base = urlsplit(base_url)
        return (scheme, host, port or _DEFAULT_PORTS[scheme]) == (
            base.scheme,
            (base.hostname or "").lower(),
            base.port or _DEFAULT_PORTS[base.scheme],
        )
    return host in site.HOST_ALIASES and port in (None, _DEFAULT_PORTS[scheme])


def is_malformed(href: str, base: str) -> bool:
    """Whether ``href`` is no URL at all ("http://[object Object]"), rather than a link elsewhere."""
    try:
        parts = urlsplit(urljoin(base, href.strip()))
        _ = parts.hostname, parts.port
    except ValueError:
        return True
    return False


def listing_url(section: str, lang: str) -> str:
    prefix = "/en" if lang == "en" else ""
    return site.ORIGIN + prefix + site.SECTION_PATHS[section]


def next_listing_page(canonical: str) -> str:
    """The listing page after ``canonical``: its pagination parameter (else
    ``site.PROBE_PARAM``) one higher, for probing a listing that links no next page."""
    parts = urlsplit(canonical)
    query = dict(parse_qsl(parts.query))
    param = next((k for k in sorted(query) if site.PAGINATION_PARAM.match(k)), site.PROBE_PARAM)
    number = query.get(param, "1")
    query[param] = str(int(number) + 1 if number.isdigit() else 2)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(sorted(query.items())), ""))


def tag_search_url(tag: str, lang: str, page: int = 1) -> str:
    """The site search's listing of the articles with a tag, one page of it."""
    query = [(site.TAG_PARAM, tag), *([(site.PROBE_PARAM, str(page))] if page > 1 else [])]
    return site.ORIGIN + site.SEARCH_PATHS[lang] + "?" + urlencode(query)


def tag_search_page(url: str) -> tuple[str, str, int] | None:
    """(tag, lang, page) of a URL ``tag_search_url`` made, or None for any other."""
    parts = urlsplit(url)
    lang = next((lang for lang, path in site.SEARCH_PATHS.items() if path == parts.path), None)
    query = dict(parse_qsl(parts.query))
    tag, page = query.get(site.TAG_PARAM), query.get(site.PROBE_PARAM, "1")
    if (
        lang is None
        or tag is None
        or not tag.strip()
        or not page.isdigit()
        or int(page) < 1
        or url != tag_search_url(tag, lang, int(page))
    ):
        return None
    return tag, lang, int(page)


def stable_id(*parts: str) -> str:
    """A short, stable identifier: the first 16 hex digits of a SHA-256."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
