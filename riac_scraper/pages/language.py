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
"""

from __future__ import annotations

import functools
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
