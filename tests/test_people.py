"""People across languages (``storage/derived.py``): one person_id for one
person's entries in English and Russian, by their profile link or their
name's consonants, and never one for two people who share a surname."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from riac_scraper.storage.derived import name_key, person_ids
from riac_scraper.storage.store import DatasetStore
from tests.test_store import T0, article


@pytest.mark.parametrize(
    ("english", "russian", "same"),
    [
        ("Pavel Grigoriev", "Павел Григорьев", True),
        ("Sergei Antonov", "Сергей Антонов", True),
        ("Maria Kuznetsova", "Мария Кузнецова", True),
        ("Dmitry Lebedev", "Дмитрий Лебедев", True),
        ("Pavel Grigoriev", "Павел Антонов", False),
        ("Ivan Ivanov", "Пётр Иванов", False),  # one surname, two people
        ("Anna Volkova", "Мария Волкова", False),
        ("Sergei Antonov", "Сергей Антонович", False),  # one first name, two people
    ],
)
def test_names_are_matched_across_languages_by_their_consonants(english: str, russian: str, same: bool) -> None:
    assert (name_key(english) == name_key(russian)) is same
    people = [
        {"author_id": "e", "lang": "en", "name": english, "url": None},
        {"author_id": "r", "lang": "ru", "name": russian, "url": None},
    ]
    ids = person_ids(people)
    assert (ids["e"] == ids["r"]) is same


def test_a_profile_path_matches_whatever_the_names() -> None:
    ids = person_ids(
        [
            {"author_id": "e", "lang": "en", "name": "I. Ivanov", "url": "https://russiancouncil.ru/en/about-us/experts/ii/"},
            {"author_id": "r", "lang": "ru", "name": "Игорь Иванов", "url": "https://russiancouncil.ru/about-us/experts/ii/"},
            {"author_id": "o", "lang": "ru", "name": "Игорь Иванов", "url": "https://russiancouncil.ru/about-us/experts/io/"},
        ]
    )  # fmt: skip
    assert ids["e"] == ids["r"] != ids["o"]


def test_two_people_of_one_surname_are_two_people_in_one_language() -> None:
    people = [
        {"author_id": "a", "lang": "en", "name": "Ivan Ivanov", "url": None},
        {"author_id": "b", "lang": "en", "name": "Petr Ivanov", "url": None},
        {"author_id": "c", "lang": "ru", "name": "Пётр Иванов", "url": None},
        {"author_id": "d", "lang": "ru", "name": "Иван Иванов", "url": None},
    ]
    ids = person_ids(people)
    assert ids["a"] != ids["b"]
    assert ids["a"] == ids["d"] and ids["b"] == ids["c"]


def test_the_authors_dataset_keeps_two_people_of_one_surname_apart(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    store.add(
        "articles",
        [
            article("a", "A", T0, authors=("Ivan Ivanov",)),
            article("b", "B", T0, authors=("Petr Ivanov",)),
            article("c", "C", T0, lang="ru", authors=("Иван Иванов",)),
        ],
    )
    store.commit()
    authors = pd.read_parquet(tmp_path / "authors")
    person = dict(zip(authors["name"], authors["person_id"], strict=True))
    assert len(authors) == 3 and person["Ivan Ivanov"] != person["Petr Ivanov"]
    assert person["Ivan Ivanov"] == person["Иван Иванов"]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Pavel Grigoriev", "pvl grgrv"),
        ("Павел  Григорьев", "pvl grgrv"),
        ("Семён Пётров", "smn ptrv"),
        ("ПЁТР Семенов", "ptr smnv"),
        ("Jean-Luc O'Neill", "jnlc nll"),
    ],
)
def test_a_name_key_is_its_consonants_in_latin_letters(name: str, key: str) -> None:
    assert name_key(name) == key


def test_a_person_without_a_profile_has_an_id_from_the_key_that_stays_from_release_to_release() -> None:
    from riac_scraper.urls import stable_id

    people = [{"author_id": "e", "lang": "en", "name": "Pavel Grigoriev", "url": None}]
    assert person_ids(people) == {"e": stable_id("person", "pvl grgrv")}


EXPERT = "https://russiancouncil.ru/about-us/experts/ii/"


@pytest.mark.parametrize("profiled", ["en", "ru"])
def test_an_entry_without_a_profile_finds_by_name_the_one_with_it_in_either_language(profiled: str) -> None:
    from riac_scraper.urls import stable_id

    url = {"en": EXPERT.replace(".ru/", ".ru/en/"), "ru": EXPERT}
    people = [
        {"author_id": "e", "lang": "en", "name": "Ivan Ivanov", "url": url["en"] if profiled == "en" else None},
        {"author_id": "r", "lang": "ru", "name": "Иван Иванов", "url": url["ru"] if profiled == "ru" else None},
    ]
    assert person_ids(people) == {"e": stable_id("person", "/about-us/experts/ii/")} | {
        "r": stable_id("person", "/about-us/experts/ii/")
    }


def test_a_name_with_no_consonant_to_match_is_a_person_of_its_own() -> None:
    from riac_scraper.urls import stable_id

    people = [
        {"author_id": "a", "lang": "en", "name": "Ea", "url": None},
        {"author_id": "b", "lang": "ru", "name": "李明", "url": None},
        {"author_id": "c", "lang": "en", "name": "Li Ming", "url": None},
    ]
    assert person_ids(people) == {
        "a": stable_id("person", "a"),
        "b": stable_id("person", "b"),
        "c": stable_id("person", "l mng"),
    }


def test_namesakes_with_profiles_stay_apart_and_an_entry_without_one_takes_the_english() -> None:
    from riac_scraper.urls import stable_id

    english, russian = "/about-us/experts/iv1/", "/about-us/experts/iv2/"
    people = [  # the author ids sort the Russian entry first, so only the language puts the English one ahead
        {"author_id": "z", "lang": "en", "name": "Ivan Ivanov", "url": "https://russiancouncil.ru/en" + english},
        {"author_id": "m", "lang": "ru", "name": "Иван Иванов", "url": "https://russiancouncil.ru" + russian},
        {"author_id": "n", "lang": "ru", "name": "Иван Иванов", "url": None},
    ]
    assert person_ids(people) == {
        "z": stable_id("person", english),
        "m": stable_id("person", russian),
        "n": stable_id("person", english),
    }


def test_writing_the_authors_returns_the_rows_of_both_languages(tmp_path: Path) -> None:
    from riac_scraper.storage.derived import write_authors

    people = {
        "en": [{"author_id": "a", "name": "Ivan Ivanov"}, {"author_id": "b", "name": "Petr Petrov"}],
        "ru": [{"author_id": "c", "name": "Иван Иванов"}],
    }
    for rows in people.values():
        for row in rows:
            row["url"] = None
    written: dict[str, list[str]] = {}

    def write(target: Path, schema: object, batches: object) -> int:
        names = [row["name"] for batch in batches for row in batch.to_pylist()]
        written[target.parent.name] = names
        return len(names)

    assert write_authors(tmp_path, people, write) == 3
    assert written == {"lang=en": ["Ivan Ivanov", "Petr Petrov"], "lang=ru": ["Иван Иванов"]}
