"""Parsers for the numbers and dates printed on the site.

Each returns None for a value it cannot read or that is out of range, and
appends a human-readable warning to ``warnings``: a malformed page yields a
null and a record of why, never a crash and never a wrong number.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTH_NAMES = (
    "january february march april may june july august september october november december",
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
)
_MONTHS = {name: number for names in _MONTH_NAMES for number, name in enumerate(names.split(), 1)}
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_WHOLE = re.compile(r"[0-9]{1,12}")
_DECIMAL = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,6})?")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DOTTED = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"^\s*([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b")


def parse_int(text: str | None, what: str, warnings: list[str], *, maximum: int | None = None) -> int | None:
    if text is None:
        return None
    cleaned = _SPACES.sub("", text)
    if not _WHOLE.fullmatch(cleaned):
        warnings.append(f"{what}: not a whole number: {text!r}")
        return None
    value = int(cleaned)
    if maximum is not None and value > maximum:
        warnings.append(f"{what}: {value} is above {maximum}")
        return None
    return value


def parse_float(
    text: str | None, what: str, warnings: list[str], *, minimum: float = 0.0, maximum: float | None = None
) -> float | None:
    if text is None:
        return None
    cleaned = _SPACES.sub("", text).replace(",", ".")
    if not _DECIMAL.fullmatch(cleaned):
        warnings.append(f"{what}: not a number: {text!r}")
        return None
    value = float(cleaned)
    if value < minimum or (maximum is not None and value > maximum):
        warnings.append(f"{what}: {value} is outside {minimum}..{maximum}")
        return None
    return value


def parse_date(text: str | None, what: str, warnings: list[str]) -> dt.date | None:
    """A calendar date from ISO 8601, ``17.07.2018``, ``17 July 2018``, ``17 июля 2018`` or ``July 17, 2018``."""
    if not text or not text.strip():
        return None
    parts: tuple[int, int, int] | None = None
    if m := _ISO.match(text):
        parts = int(m[1]), int(m[2]), int(m[3])
    elif m := _DOTTED.match(text):
        parts = int(m[3]), int(m[2]), int(m[1])
    elif (m := _DAY_MONTH_YEAR.match(text)) and m[2].lower() in _MONTHS:
        parts = int(m[3]), _MONTHS[m[2].lower()], int(m[1])
    elif (m := _MONTH_DAY_YEAR.match(text)) and m[1].lower() in _MONTHS:
        parts = int(m[3]), _MONTHS[m[1].lower()], int(m[2])
    if parts is None:
        warnings.append(f"{what}: not a date: {text.strip()[:60]!r}")
        return None
    try:
        return dt.date(*parts)
    except ValueError:
        warnings.append(f"{what}: no such date: {text.strip()[:60]!r}")
        return None
