"""The language check: langdetect is asked only where the witnesses (the URL,
``<html lang>``, the sample's script) do not already agree."""

from __future__ import annotations

import pytest

from riac_scraper.pages import language
from riac_scraper.pages.language import declared, detect_language, page_language, written_in

EN = "Russia and the European Union: what the new sanctions mean for trade"
RU = "Россия и Европейский союз: что означают новые санкции для торговли"


@pytest.mark.parametrize(
    ("value", "primary"),
    [("en", "en"), ("en-GB", "en"), (" EN_us ", "en"), ("ru", "ru"), ("", None), (None, None), ("-", None)],
)
def test_the_declared_language_is_its_primary_subtag(value: str | None, primary: str | None) -> None:
    assert declared(value) == primary


@pytest.mark.parametrize(
    ("sample", "lang", "written"),
    [
        (EN, "en", True),
        (RU, "ru", True),
        (RU, "en", False),
        (EN, "ru", False),
        ("Україна і Росія: що далі", "ru", False),  # Ukrainian letters
        ("Die Außenpolitik der Bundesrepublik", "en", False),  # a German letter
        ("12 345 — 2024", "en", False),  # no letters at all
        ("G7 2024", "en", True),  # one letter is a sample
        (f"{EN} Москва", "en", True),  # one Russian word in an English title
        (f"{EN[:20]} {RU}", "en", False),  # mostly Cyrillic
        (EN, "de", False),  # no script known for that language
    ],
)
def test_a_sample_is_written_in_a_language_s_script(sample: str, lang: str, written: bool) -> None:
    assert written_in(sample, lang) is written


def test_share_of_script_is_measured_against_the_letters_only() -> None:
    """8 Latin letters of 10 is the share the check asks for; 7 is not."""
    assert written_in("abcdefgh жж", "en")
    assert not written_in("abcdefg жжж", "en")
    assert written_in("abcdefgh жж !!! 123", "en")


def test_agreeing_witnesses_need_no_langdetect(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(language, "detect_language", lambda text: asked.append(text) or "xx")
    assert page_language(EN, "en", "en-US") == ("en", "witnesses")
    assert page_language(RU, "ru", "ru") == ("ru", "witnesses")
    assert asked == []


@pytest.mark.parametrize(
    ("text", "url_lang", "html_lang"),
    [
        (EN, "en", None),  # the page declares nothing
        (EN, "en", "ru"),  # it declares another language
        (RU, "en", "en"),  # the text is in another script
        ("Україна і Росія: що далі", "ru", "ru"),  # a neighbour's letters
    ],
)
def test_a_dissenting_or_missing_witness_calls_langdetect(
    monkeypatch: pytest.MonkeyPatch, text: str, url_lang: str, html_lang: str | None
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(language, "detect_language", lambda text: asked.append(text) or "xx")
    assert page_language(text, url_lang, html_lang) == ("xx", "langdetect")
    assert asked == [text]


def test_only_the_sample_is_judged_by_its_script(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the sample langdetect would not read either: Cyrillic there changes nothing."""
    monkeypatch.setattr(language, "detect_language", lambda text: "xx")
    assert page_language(EN.ljust(language.SAMPLE_CHARS, ".") + RU * 3, "en", "en") == ("en", "witnesses")


def test_langdetect_reads_the_site_s_two_languages() -> None:
    assert detect_language(EN) == "en"
    assert detect_language(RU) == "ru"
    assert detect_language("   ") is None
    assert detect_language("12345 67") is None
