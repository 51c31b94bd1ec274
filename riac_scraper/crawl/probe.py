"""``riac probe``: the one-minute look at a site before a day-long crawl.

The spider, run with ``RIAC_PROBE=N``, reads robots.txt, the sitemaps (up
to ``discovery.PROBE_DOCUMENTS``), the feeds, the first listing page of every
section and language, and at most N articles spread over them; nothing is
stored. ``probe_report`` turns what it saw into lines for the user and the
problems that make the probe fail: a section that gave no article, listings
that the sitemap does not know, a field below its floor.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from riac_scraper.crawl.discovery import SOURCES
from riac_scraper.crawl.thresholds import Thresholds
from riac_scraper.items import COVERED_FIELDS, field_presence


@dataclass
class ProbeReport:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def probe_report(spider: Any, thresholds: Thresholds) -> ProbeReport:
    report = ProbeReport()
    discovery = spider.discovery
    account = discovery.account()
    report.lines.append("sources:")
    for source in SOURCES:
        seen = account["sources"][source]
        if not seen["enabled"]:
            report.lines.append(f"  {source:<9} off")
            continue
        documents = f", {seen['documents_read']} documents read" if "documents_read" in seen else ""
        report.lines.append(f"  {source:<9} {seen['articles']:>6} articles{documents}")
    report.lines.extend(f"  note: {note}" for note in account["notes"])

    probed = spider.probed
    groups = [f"{lang}/{section}" for lang, section in spider.listings()]
    by_group = Counter(f"{a.lang}/{a.section}" for a in probed)
    report.lines.append(f"articles read: {len(probed)}, by section: " + ", ".join(f"{g} {by_group[g]}" for g in groups))
    for group in groups:
        if not by_group[group]:
            report.problems.append(f"{group}: no article (its first listing page listed none, or none could be read)")

    if probed:
        report.lines.append(
            "fields (share of the articles read that have it; the layers that answered, in articles; suspect: "
            "contradicted by every other witness on the page):"
        )
        has = [field_presence(a) for a in probed]
        present = Counter(name for fields in has for name, value in fields.items() if value)
        suspect = Counter(name for a in probed for name in a.suspect_fields)
        for name in COVERED_FIELDS:
            layers = Counter(
                a.answered[name] for a, fields in zip(probed, has, strict=True) if fields[name] and name in a.answered
            )
            by_layer = ", ".join(
                f"{layer} {count}" for layer, count in sorted(layers.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            flagged = f", suspect {suspect[name]}" if suspect[name] else ""
            report.lines.append(f"  {name:<16} {present[name] / len(probed):>5.0%}  ({by_layer or 'none'}){flagged}")
        for key, floor in sorted(thresholds.min_coverage.items()):
            name, _, section = key.partition("@")
            chosen = [fields for a, fields in zip(probed, has, strict=True) if not section or a.section == section]
            if not chosen:
                continue
            share = sum(fields[name] for fields in chosen) / len(chosen)
            if share < floor:
                report.problems.append(
                    f"{key}: {share:.0%} of {len(chosen)} articles read, below the RIAC_MIN_COVERAGE floor {floor:.0%}"
                )

    # the first listing pages list the newest articles: a sitemap that names none of them is another site's
    if spider.documents_capped:
        report.lines.append("the sitemaps were not read whole: listings and sitemap not compared")
    elif "sitemap" in discovery.enabled and discovery.documents["sitemap"]:
        for group in groups:
            listed = {u for u, g in discovery.groups.items() if g == group and "listings" in discovery.found[u]}
            known = {u for u in listed if "sitemap" in discovery.found[u]}
            if listed and len(listed - known) > thresholds.max_discovery_gap * len(listed):
                report.problems.append(
                    f"{group}: the sitemap names {len(known)} of the {len(listed)} articles on the first listing page; "
                    "listings and sitemap disagree"
                )
    return report
