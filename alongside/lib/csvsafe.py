"""CSV cells a spreadsheet would run as a formula, made inert.

Text another person wrote (a partner's display name, an agreement they typed) ends up in
someone's export; opened in a spreadsheet, a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is read as a formula (``=HYPERLINK(...)`` that leaks
data, ``=cmd|...`` that runs a program). Following OWASP's advice, such a cell gets a
leading single quote, which spreadsheets show as text. Only strings change: a number
such as -3 stays a number. Every CSV the project writes passes its cells through
``safe_cell``. No Django here: the analytics command line uses it too.
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "safe_cell", "unescape_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell[T](value: T) -> T | str:
    """``value``, with a leading ``'`` when it is a string a spreadsheet would evaluate.

    >>> safe_cell("=1+1"), safe_cell("-3"), safe_cell(-3), safe_cell("Ben")
    ("'=1+1", "'-3", -3, 'Ben')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """Undo ``safe_cell`` when reading back a file the project wrote.

    >>> unescape_cell("'=1+1"), unescape_cell("'tis"), unescape_cell("plain")
    ('=1+1', "'tis", 'plain')
    """
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
