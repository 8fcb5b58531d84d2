"""Strict reading of URL parameters: ASCII digits within bounds, text within a length.

``str.isdigit`` accepts ``²`` and ``int`` chokes on five thousand digits; a parameter
that is not what the route expects is the client's error (400, naming the
parameter), never ours (500).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

#: Longest text a parameter may carry (a label, an IRI, a date).
MAX_TEXT = 500


class ParameterError(ValueError):
    """A URL parameter is missing, malformed or out of bounds; the message names it."""


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


def whole_number(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """Read a whole number from ``low`` to ``high``; ``default`` when it is absent.

    Examples:
        >>> whole_number({"top": "5"}, "top", 20, 1, 100)
        5
        >>> whole_number({"top": "²"}, "top", 20, 1, 100)
        Traceback (most recent call last):
        ...
        rarekg.server.params.ParameterError: top must be a whole number from 1 to 100, not '²'
    """
    text = params.get(name)
    if text is None:
        return default
    digits = len(str(high))
    if text.isascii() and text.isdigit() and len(text) <= digits and low <= int(text) <= high:
        return int(text)
    raise ParameterError(f"{name} must be a whole number from {low} to {high}, not {_shown(text)}")


def text(params: Mapping[str, str], name: str, *, required: bool = False) -> str | None:
    """Read a text parameter of at most :data:`MAX_TEXT` characters.

    Examples:
        >>> text({"on": "2025-06-01"}, "on")
        '2025-06-01'
        >>> text({}, "from", required=True)
        Traceback (most recent call last):
        ...
        rarekg.server.params.ParameterError: give from= (it is required)
    """
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise ParameterError(f"give {name}= (it is required)")
        return None
    if len(value) > MAX_TEXT:
        raise ParameterError(f"{name} is longer than {MAX_TEXT} characters")
    return value


def date(params: Mapping[str, str], name: str) -> dt.date | None:
    """Read an ISO date (``YYYY-MM-DD``); ``None`` when it is absent.

    Examples:
        >>> date({"on": "2025-04-04"}, "on")
        datetime.date(2025, 4, 4)
        >>> date({"on": "April"}, "on")
        Traceback (most recent call last):
        ...
        rarekg.server.params.ParameterError: on must be a date YYYY-MM-DD, not 'April'
    """
    value = text(params, name)
    if value is None:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise ParameterError(f"{name} must be a date YYYY-MM-DD, not {_shown(value)}")
