"""The language check: langdetect, seeded, over the languages that can plausibly
appear on the site.

langdetect weighs every n-gram of the text against every language it has
loaded, seven times over; with all 55 profiles and a whole article that
costs about 2 ms a page, more than the rest of our extraction. Here it
reads the first 150 characters (title and lead), against the 16 candidate
languages below, in one trial: about 0.35 ms; on the 16 fixture articles and 48
benchmark pages it gave the right answer every time (see BENCHMARKS.md). A page
in a language outside the list is reported as the nearest candidate, which
still differs from the URL's language and so is still flagged.

Most pages need no langdetect at all: ``page_language`` takes the URL's
language when three independent witnesses agree on it (the URL, the page's
``<html lang>`` and the script of the sample), and asks langdetect only when
one of them is missing or dissents.  On the bench's small pages langdetect
was a fifth of our extraction's time.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

CANDIDATES = ("en", "ru", "uk", "bg", "mk", "de", "fr", "es", "it", "pl", "tr", "ar", "fa", "zh-cn", "ja", "ko")
SAMPLE_CHARS = 150
TRIALS = 1


@functools.cache
def _factory() -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_json_profile([(Path(PROFILES_DIRECTORY) / lang).read_text("utf-8") for lang in CANDIDATES])
    factory.set_seed(0)  # langdetect is random: seeded, the same text always gets the same answer
    return factory


def detect_language(text: str) -> str | None:
    """The language of the first SAMPLE_CHARS characters of ``text``, or None."""
    sample = text[:SAMPLE_CHARS]
    if not sample.strip():
        return None
    detector = _factory().create()
    detector.n_trial = TRIALS
    detector.append(sample)
    try:
        language: str = detector.detect()
    except LangDetectException:
        return None
    return language


# The letters of each language the site publishes in, and letters that mark a
# neighbour sharing its script (Ukrainian, Belarusian, Serbian, Macedonian).
_LETTERS = {"en": re.compile(r"[A-Za-z]"), "ru": re.compile(r"[А-яЁё]")}
_NEIGHBOURS = {"en": re.compile(r"[À-ɏ]"), "ru": re.compile(r"[ІіЇїЄєҐґЎўЈјЉљЊњЋћЏџЃѓЌќ]")}
SCRIPT_SHARE = 0.8  # of the sample's letters, in the URL's language's script


def declared(lang_attribute: str | None) -> str | None:
    """The primary language of an ``<html lang>`` value: "en-GB" -> "en"."""
    if not lang_attribute:
        return None
    return lang_attribute.strip().replace("_", "-").split("-")[0].lower() or None


def written_in(sample: str, lang: str) -> bool:
    """Whether the sample's letters are ``lang``'s script, with no letter of a
    neighbour that shares it."""
    letters = _LETTERS.get(lang)
    if letters is None:
        return False
    alphabetic = sum(ch.isalpha() for ch in sample)
    return (
        alphabetic > 0
        and len(letters.findall(sample)) >= SCRIPT_SHARE * alphabetic
        and not _NEIGHBOURS[lang].search(sample)
    )


def page_language(text: str, url_lang: str, html_lang: str | None) -> tuple[str | None, str]:
    """The language of ``text`` and the layer that read it: ``url_lang`` from
    the witnesses where the page declares it and the text is written in its
    script, langdetect's reading otherwise."""
    if declared(html_lang) == url_lang and written_in(text[:SAMPLE_CHARS], url_lang):
        return url_lang, "witnesses"
    return detect_language(text), "langdetect"
