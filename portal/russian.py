"""Russian words to their stems, for the search on SQLite (R-NF-3, issue 13).

PostgreSQL stems Russian itself (the ``russian`` text search configuration, which is the
Snowball stemmer). SQLite's full-text search has no Russian stemmer, so the SQLite
backend of the search (``portal.search_sqlite``) stores the index text and reads the
query through ``stems()`` below: both sides reduced to the same Snowball stems,
«родительское собрание» and «собрания» meet at «собран».
"""

import re
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"\w+")
_RUSSIAN = snowballstemmer.stemmer("russian")


@lru_cache(maxsize=65536)
def stem(word):
    """The Snowball stem of one Russian word (lower-cased, ё read as е); other words
    are returned lower-cased as they are."""
    word = word.lower().replace("ё", "е")
    if not re.fullmatch(r"[а-я]+", word):
        return word
    return _RUSSIAN.stemWord(word)


def words(text):
    """The words of ``text``, lower-cased (every script: Cyrillic, Latin, digits)."""
    return WORD.findall(str(text).lower())


def stems(text):
    """The text as its words' stems, joined by spaces: what the SQLite index stores and
    what the query is matched as."""
    return " ".join(stem(word) for word in words(text))
