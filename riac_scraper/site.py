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
# Hosts under which the same pages are served (beta. is a staging copy); all map to ORIGIN.
HOST_ALIASES = frozenset({HOST, "www." + HOST, "beta." + HOST})

LANGS = ("en", "ru")
# Section name -> path below the language prefix ("/en" or "").
SECTION_PATHS = {
    "analytics": "/analytics-and-comments/analytics/",
    "comments": "/analytics-and-comments/comments/",
    "interview": "/analytics-and-comments/interview/",
    "news": "/news/",
    "blogs": "/blogs/",
    "columns": "/analytics-and-comments/columns/",
    # The digest's long reads (analysis text): /activity/digest/longreads/<slug>/, seen in Russian only.
    "longreads": "/activity/digest/longreads/",
}
DEFAULT_SECTIONS = ("analytics", "comments", "interview", "news", "blogs", "columns", "longreads")
# Listings nobody has seen in this language (long reads are seen in Russian):
# read like the others, but a first page the site does not have (HTTP 404) is
# a note in the report, not a failed page.
UNCONFIRMED_LISTINGS = frozenset({("en", "longreads")})
# The home pages show the current and the past poll: read on every crawl, so
# that every poll gets a snapshot per crawl, also when no article is fetched.
HOME_PATHS = {"en": "/en/", "ru": "/"}

# Query parameters that name a listing's page: 1C-Bitrix's PAGEN_N (confirmed),
# and the common page / page_N (the home page uses page_4) in case a listing uses them.
PAGINATION_PARAM = re.compile(r"^(?:PAGEN_\d+|page|page_\d+)$")
# The parameter a listing page is probed with when it shows no way to the
# next page (1C-Bitrix; confirmed on search and tag listings).
PROBE_PARAM = "PAGEN_1"

# Discovery beside the listings (riac_scraper/crawl/discovery.py).
ROBOTS_PATH = "/robots.txt"
SITEMAP_PATHS = ("/sitemap.xml",)  # read when robots.txt names no sitemap
# RSS feeds: those of SITE.md (seen live) and of public feed-reader configurations.
FEED_PATHS = {
    "en": ("/en/rss/", "/en/rss/analytics-and-comments/", "/en/rss/analytics/"),
    "ru": ("/rss/", "/rss/all/", "/rss/analytics-and-comments/"),
}

_SECTION_RE = "|".join(["analytics", "comments", "interview"])
ARTICLE_PATH = re.compile(
    rf"^(?P<lang>/en)?/(?:analytics-and-comments/(?:(?P<section>{_SECTION_RE})|(?P<columns>columns)/[^/]+)/[^/]+"
    r"|(?P<news>news)/[^/]+"
    r"|(?P<blogs>blogs)/[^/]+/[^/]+"
    r"|activity/digest/(?P<longreads>longreads)/[^/]+)/$"
)
LISTING_PATH = re.compile(
    rf"^(?P<lang>/en)?/(?:analytics-and-comments/(?:(?P<section>{_SECTION_RE})|(?P<columns>columns)(?:/[^/]+)?)"
    r"|(?P<news>news)|(?P<blogs>blogs)(?:/[^/]+)?"
    r"|activity/digest/(?P<longreads>longreads))/$"
)
# In both patterns every named group but "lang" names the section it matched.
# AMP copies: /en/amp/news/<slug>/ is the article at /en/news/<slug>/.
AMP_PATH = re.compile(r"^(?P<lang>/en)?/amp(?P<rest>/.+)$")
# Tag links point at the site search: /en/search/?tags=X, /search/index.php?tags=X.
# Its listing of a tag pages with PAGEN_1 (confirmed: /en/search/?tags=Multipolarity&PAGEN_1=3).
SEARCH_PATHS = {"en": "/en/search/", "ru": "/search/"}
TAG_PARAM = "tags"
TAG_LINK = re.compile(r"/search/(?:index\.php)?\?(?:[^#]*&)?tags=", re.IGNORECASE)

# ---------------------------------------------------------------- labels
# Toolbar link to the other language version, keyed by the *target* language.
# Confirmed: "Читать на русском" on English pages, "Read in English" on Russian.
TRANSLATION_LINK = {"ru": ("Читать на русском",), "en": ("Read in English",)}
PRINT = ("Print", "Печать", "Версия для печати")  # Russian forms unconfirmed
RATE = ("Rate this article", "Оценить статью")  # confirmed
SHARE = ("Share this article", "Поделиться статьей", "Поделиться статьёй")  # confirmed (ё form a guess)
# Confirmed: the English ones, and "Текущий опрос", "Прошедший опрос", "Архив опросов",
# "Ответить на опрос" from the real Russian home page.
POLL_TITLE = (
    "Poll conducted",
    "Poll results",
    "Poll archive",
    "Текущий опрос",
    "Прошедший опрос",
    "Архив опросов",
    "Ответить на опрос",
)
FOOTER = ("For business", "For researchers", "For students", "Бизнесу", "Исследователям", "Учащимся")  # confirmed
# Button texts of share widgets (the web's, not only this site's).
SHARE_BUTTONS = (
    "Facebook", "Twitter", "X", "VK", "VKontakte", "ВКонтакте", "Telegram", "WhatsApp", "Viber", "LinkedIn",
    "Одноклассники", "OK", "LiveJournal", "ЖЖ", "Email", "E-mail", "Mail", "Почта", "Pinterest", "Reddit",
)  # fmt: skip
# The second page layout's header (confirmed in English): "In", "Login if you are already registered".
LOGIN = ("Login if you are already registered", "In", "Войти", "Войдите, если вы уже зарегистрированы")
# Labels that are everyday words: a label only when they are a whole line, never
# when a line starts with them ("In 2024, ..." is text).
WHOLE_LINE_ONLY = ("In",)
# AMP copies open and close with these (confirmed in English).
AMP_LABELS = ("Short version", "Full version", "Краткая версия", "Полная версия")
REGION_LABEL = ("Region", "Регион")  # Russian unconfirmed
TYPE_LABEL = ("Type", "Тип")  # Russian unconfirmed

# "(votes: 4, rating: 4.75)", "(Голосов: 62, Рейтинг: 4.42)"
RATING = re.compile(
    r"\(\s*(?:votes|голосов)\s*:\s*(?P<votes>[^,()]*?)\s*,\s*(?:rating|рейтинг)\s*:\s*(?P<value>[^()]*?)\s*\)",
    re.IGNORECASE,
)
NO_VOTES = re.compile(r"\(\s*(?:no votes|нет голосов)\s*\)", re.IGNORECASE)
# " (4 votes)", " (1 vote)", " (62 голоса)"
VOTE_COUNT = re.compile(r"\(\s*(?P<votes>\S+)\s+(?:votes?|голос(?:а|ов)?)\s*\)", re.IGNORECASE)
# A vote count inside a line that holds more than one of them: digits only.
VOTE_COUNT_ANYWHERE = re.compile(r"\(\s*(?P<votes>[\d\s\u00a0]{1,15})\s+(?:votes?|голос(?:а|ов)?)\s*\)", re.IGNORECASE)
# One poll option's result: "33 (31%)", optionally preceded by its label.
POLL_RESULT = re.compile(r"(?:^|\s)(?P<votes>\S+)\s*\(\s*(?P<percent>[^()%\s]+)\s*%\s*\)$")
POLL_RESULT_ANYWHERE = re.compile(r"(?<!\S)\d[\d\u00a0\u202f]{0,11}\s*\(\s*\d{1,3}(?:[.,]\d+)?\s*%\s*\)")
POLL_QUESTION_NUMBER = re.compile(r"^\s*\d{1,2}[.)]\s+")

# Running text: at least this many words and a sentence's final punctuation.
PARAGRAPH_MIN_WORDS = 10
# A line whose visible characters are at least this share link text is a row
# of links (navigation, share buttons, tags, teaser titles), never body text.
LINK_LINE_SHARE = 0.6

# Teaser cards of other articles inside the body.
IMAGE_FILE = re.compile(r"^[\w.\-() ]{1,120}\.(?:jpe?g|png|gif|webp|svg|bmp)$", re.IGNORECASE)
TEASER_AUTHOR = re.compile(r"^[^\s:.!?][^:.!?]{1,60}:$")
TEASER_TITLE_MAX_WORDS = 14

# Title suffixes the site appends in <title> / og:title.
TITLE_SEPARATORS = (" | ", " — ", " - ")

# ------------------------------------------------------------- selectors
# CSS selectors for the site's own markup, tried before the text cues:
# name -> selectors, the first that matches wins.  Names: "title", "lead",
# "body", "author" (one element per author) with "author_name" and
# "author_bio" inside it.  Empty until someone has seen the live article
# markup: invented class names would only be a way to be misled by a page
# that happens to use them elsewhere.  The text cues read every markup.
SELECTORS: dict[str, list[str]] = {}
