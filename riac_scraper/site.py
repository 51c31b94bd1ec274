"""Everything riac-scraper knows about russiancouncil.ru, in one place.

A redesign of the site should be a change to this module only.  Label strings
marked "confirmed" are copied from real pages (see shared/SITE.md); the others
are guesses for labels nobody has seen yet, and extraction never depends on
them alone.
"""

from __future__ import annotations

import re

ORIGIN = "https://russiancouncil.ru"
HOST = "russiancouncil.ru"
# Hosts under which the same pages are served; all map to ORIGIN.
HOST_ALIASES = frozenset({HOST, "www." + HOST})

LANGS = ("en", "ru")
# Section name -> path below the language prefix ("/en" or "").
SECTION_PATHS = {
    "analytics": "/analytics-and-comments/analytics/",
    "comments": "/analytics-and-comments/comments/",
    "interview": "/analytics-and-comments/interview/",
    "news": "/news/",
    "blogs": "/blogs/",
}
DEFAULT_SECTIONS = ("analytics", "comments", "interview", "news", "blogs")

PAGINATION_PARAM = re.compile(r"^PAGEN_\d+$")

_SECTION_RE = "|".join(["analytics", "comments", "interview"])
ARTICLE_PATH = re.compile(
    rf"^(?P<lang>/en)?/(?:analytics-and-comments/(?P<section>{_SECTION_RE})/[^/]+"
    r"|(?P<news>news)/[^/]+"
    r"|(?P<blogs>blogs)/[^/]+/[^/]+)/$"
)
LISTING_PATH = re.compile(
    rf"^(?P<lang>/en)?/(?:analytics-and-comments/(?P<section>{_SECTION_RE})"
    r"|(?P<news>news)|(?P<blogs>blogs)(?:/[^/]+)?)/$"
)

# ---------------------------------------------------------------- labels
# Toolbar link to the other language version, keyed by the *target* language.
# Confirmed: "Читать на русском" on English pages, "Read in English" on Russian.
TRANSLATION_LINK = {"ru": ("Читать на русском",), "en": ("Read in English",)}
PRINT = ("Print", "Печать", "Версия для печати")  # Russian forms unconfirmed
RATE = ("Rate this article", "Оценить статью")  # confirmed
SHARE = ("Share this article", "Поделиться статьей", "Поделиться статьёй")  # confirmed (ё form a guess)
POLL_TITLE = ("Poll conducted", "Poll results", "Poll archive", "Опрос проведен", "Итоги опроса", "Архив опросов")
FOOTER = ("For business", "For researchers", "For students", "Бизнесу", "Исследователям", "Студентам")
REGION_LABEL = ("Region", "Регион")  # Russian unconfirmed
TYPE_LABEL = ("Type", "Тип")  # Russian unconfirmed

# "(votes: 4, rating: 4.75)", "(Голосов: 62, Рейтинг: 4.42)"
RATING = re.compile(
    r"\(\s*(?:votes|голосов)\s*:\s*(?P<votes>[^,()]*?)\s*,\s*(?:rating|рейтинг)\s*:\s*(?P<value>[^()]*?)\s*\)",
    re.IGNORECASE,
)
NO_VOTES = re.compile(r"^\(\s*(?:no votes|нет голосов)\s*\)$", re.IGNORECASE)
# " (4 votes)", " (1 vote)", " (62 голоса)"
VOTE_COUNT = re.compile(r"^\(\s*(?P<votes>\S+)\s+(?:votes?|голос(?:а|ов)?)\s*\)$", re.IGNORECASE)
# One poll option's result: "33 (31%)", optionally preceded by its label.
POLL_RESULT = re.compile(r"(?:^|\s)(?P<votes>\S+)\s*\(\s*(?P<percent>[^()%\s]+)\s*%\s*\)$")
POLL_QUESTION_NUMBER = re.compile(r"^\s*\d{1,2}[.)]\s+")

# Teaser cards of other articles inside the body.
IMAGE_FILE = re.compile(r"^[\w.\-() ]{1,120}\.(?:jpe?g|png|gif|webp|svg|bmp)$", re.IGNORECASE)
TEASER_AUTHOR = re.compile(r"^[^\s:.!?][^:.!?]{1,60}:$")
TEASER_TITLE_MAX_WORDS = 14

# Title suffixes the site appends in <title> / og:title.
TITLE_SEPARATORS = (" | ", " — ", " - ")

# ------------------------------------------------------------- selectors
# Site markup selectors, tried before the markup-independent cues.  These
# are the mirror's class names until someone can check the live HTML; a
# miss only means the next layer answers.
SELECTORS = {
    "title": ["h1.article__title"],
    "lead": [".article__announce"],
    "body": [".article__text"],
    "author": [".article__author"],
    "author_name": [".article__author-name"],
    "author_bio": [".article__author-bio"],
}
