"""Russian words to their stems, for the search on SQLite (R-NF-3, issue 13).

PostgreSQL stems Russian itself (the ``russian`` text search configuration, which is the
Snowball stemmer). SQLite's full-text search has no Russian stemmer, so the SQLite
backend of the search (``portal.search_sqlite``) stores the index text and reads the
query through ``stems()`` below: both sides reduced to the same stems, «родительское
собрание» and «собрания» meet at «собран».

``stem()`` is the Snowball Russian algorithm (snowballstem.org/algorithms/russian),
written out here because no Snowball package is installed; swapping in
``snowballstemmer.stemmer("russian")`` later changes nothing else.
"""

import re

VOWELS = "аеиоуыэюя"

PERFECTIVE_GERUND_1 = ("вшись", "вши", "в")  # after а or я
PERFECTIVE_GERUND_2 = ("ывшись", "ившись", "ывши", "ивши", "ыв", "ив")
ADJECTIVE = ("ими", "ыми", "его", "ого", "ему", "ому", "ее", "ие", "ые", "ое", "ей", "ий",
             "ый", "ой", "ем", "им", "ым", "ом", "их", "ых", "ую", "юю", "ая", "яя", "ою",
             "ею")
PARTICIPLE_1 = ("ем", "нн", "вш", "ющ", "щ")  # after а or я
PARTICIPLE_2 = ("ивш", "ывш", "ующ")
REFLEXIVE = ("ся", "сь")
VERB_1 = ("ешь", "нно", "ете", "йте", "ла", "на", "ли", "ем", "ло", "но", "ет", "ют",
          "ны", "ть", "й", "л", "н")  # after а or я
VERB_2 = ("ейте", "уйте", "ила", "ыла", "ена", "ите", "или", "ыли", "ило", "ыло", "ено",
          "ует", "уют", "ены", "ить", "ыть", "ишь", "ей", "уй", "ил", "ыл", "им", "ым",
          "ен", "ят", "ит", "ыт", "ую", "ю")
NOUN = ("иями", "ями", "ами", "иях", "ием", "иям", "ией", "ев", "ов", "ие", "ье", "еи",
        "ии", "ей", "ой", "ий", "ям", "ем", "ам", "ом", "ах", "ях", "ию", "ью", "ия", "ья",
        "а", "е", "и", "й", "о", "у", "ы", "ь", "ю", "я")
SUPERLATIVE = ("ейше", "ейш")
DERIVATIONAL = ("ость", "ост")

WORD = re.compile(r"\w+")


def _regions(word):
    """(RV, R2) as start positions: RV after the first vowel; R1 after the first
    non-vowel following a vowel; R2 the same within R1."""
    rv = next((i + 1 for i, ch in enumerate(word) if ch in VOWELS), len(word))

    def region_after(start):
        for i in range(start + 1, len(word)):
            if word[i] not in VOWELS and word[i - 1] in VOWELS:
                return i + 1
        return len(word)

    r1 = region_after(0)
    r2 = region_after(r1)
    return rv, r2


def _longest(word, start, endings, after_a=False):
    """The longest of ``endings`` that ``word`` ends in within word[start:] (for group 1
    endings, preceded by а or я, also within the region), or None."""
    for ending in sorted(endings, key=len, reverse=True):
        if word.endswith(ending) and len(word) - len(ending) >= start:
            if after_a:
                before = len(word) - len(ending) - 1
                if before < start or word[before] not in "ая":
                    continue
            return ending
    return None


def _remove(word, start, groups):
    """Removes the longest ending of any group; returns (word, removed?)."""
    best = None
    for endings, after_a in groups:
        ending = _longest(word, start, endings, after_a)
        if ending and (best is None or len(ending) > len(best)):
            best = ending
    if best:
        return word[: -len(best)], True
    return word, False


def _adjectival(word, rv):
    base, found = _remove(word, rv, [(ADJECTIVE, False)])
    if not found:
        return word, False
    base, _participle = _remove(base, rv, [(PARTICIPLE_1, True), (PARTICIPLE_2, False)])
    return base, True


def stem(word):
    """The Snowball stem of one lower-case Russian word; other words are returned as
    they are (lower-cased)."""
    word = word.lower().replace("ё", "е")
    if not re.fullmatch(r"[а-я]+", word):
        return word
    rv, r2 = _regions(word)
    # Step 1.
    word, found = _remove(word, rv, [(PERFECTIVE_GERUND_1, True), (PERFECTIVE_GERUND_2, False)])
    if not found:
        word, _reflexive = _remove(word, rv, [(REFLEXIVE, False)])
        word, found = _adjectival(word, rv)
        if not found:
            word, found = _remove(word, rv, [(VERB_1, True), (VERB_2, False)])
        if not found:
            word, found = _remove(word, rv, [(NOUN, False)])
    # Step 2.
    if word.endswith("и") and len(word) - 1 >= rv:
        word = word[:-1]
    # Step 3.
    ending = _longest(word, r2, DERIVATIONAL)
    if ending:
        word = word[: -len(ending)]
    # Step 4.
    if word.endswith("нн") and len(word) - 2 >= rv:
        word = word[:-1]
    else:
        ending = _longest(word, rv, SUPERLATIVE)
        if ending:
            word = word[: -len(ending)]
            if word.endswith("нн") and len(word) - 2 >= rv:
                word = word[:-1]
        elif word.endswith("ь") and len(word) - 1 >= rv:
            word = word[:-1]
    return word


def words(text):
    """The words of ``text``, lower-cased (every script: Cyrillic, Latin, digits)."""
    return WORD.findall(str(text).lower())


def stems(text):
    """The text as its words' stems, joined by spaces: what the SQLite index stores and
    what the query is matched as."""
    return " ".join(stem(word) for word in words(text))
