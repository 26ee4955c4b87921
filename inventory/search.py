"""Catalogue search: what a shopper, a clerk or a hotline agent types, in German or English, to
the ids of the products it means, best first. `inventory.selectors.product_list` is the one
caller; shopper pages, the API and the console use that selector.

What a query matches (every word of it, in any order; hyphens and spaces alike):
- the exact SKU (any letter case) or GTIN, ranked above everything else;
- the start of the SKU;
- words of the German or English name or description (PostgreSQL: the `german` and `english`
  full-text configurations, stems and word starts: "Schrauber" finds "Schraubendreher");
- parts of compounds and typos through trigram word similarity of the unaccented names
  ("Akkuschrauber", "Akku Schrauber" and "Akkuschruber" find "Akku-Bohrschrauber").

Ranking, the same on every database: exact code 3, SKU start 1, every word in the name 1, the
words (or the words written as one) in a description 0.5, plus the trigram word similarity of the
whole query to the names rounded to tenths; equal scores go by popularity, then SKU.

On PostgreSQL the candidates are fetched first, each kind of match by its own index (GIN on the
generated tsvector columns, trigram GIN on the names, the SKU's upper-case index) and each with
a LIMIT in order of popularity, so a broad word costs one index scan and a bounded sort, never a
similarity computed across the table; only those candidates are ranked. Other databases (the
SQLite demo) read the products that contain a word's first letters and rank them in Python.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q

from inventory.models import Product

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
# At most this many products answer a search; nobody pages further.
MAX_RESULTS = 100
# Per kind of match, the most popular this many are ranked.
CANDIDATES_PER_MATCH = 100
# Fewer candidates than this, and the search looks for typos too.
FUZZY_BELOW = 10
# Word similarity (pg_trgm's `<%`) from which the names count as a candidate: low enough for a
# typo in a long compound ("Akkuschruber"), and set per transaction.
CANDIDATE_WORD_SIMILARITY = 0.4
# Words shorter than this match only whole words, not word starts ("2" is not "20").
PREFIX_MIN_LENGTH = 3

EXACT_CODE = 3
SKU_START = 1
ALL_WORDS_IN_NAME = 1
WORDS_IN_DESCRIPTION = 0.5

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchTerms:
    """A query taken apart: `code` for SKU and GTIN, lowercase `words`, and `joined`, the words
    written as one ("akku schrauber" -> "akkuschrauber"), when there are several."""

    code: str
    words: tuple[str, ...]

    @property
    def joined(self) -> str:
        return "".join(self.words) if len(self.words) > 1 else ""

    @property
    def text(self) -> str:
        return " ".join(self.words)


def search_terms(query: str) -> SearchTerms | None:
    """The terms of a query, or None when it has nothing to search for."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    words = tuple(_WORD.findall(query.lower()))[:MAX_WORDS]
    if not words:
        return None
    return SearchTerms(code=query.upper(), words=words)


def product_ids_ranked(query: str, *, limit: int = MAX_RESULTS) -> list[int]:
    """Ids of the products on sale that match `query`, best first, at most `limit`."""
    terms = search_terms(query)
    if terms is None:
        return []
    if connection.vendor == "postgresql":
        return _ranked_postgresql(terms, limit=limit)
    return product_ids_ranked_in_python(terms, limit=limit)


# PostgreSQL ---------------------------------------------------------------------------------


def _tsquery(words: Iterable[str], weight: str = "") -> str:
    """A to_tsquery() text: every word (a word start from PREFIX_MIN_LENGTH letters), optionally
    only in the lexemes of one weight. The words are letters and digits only, so nothing in them
    is a tsquery operator."""
    return " & ".join(
        f"{word}:{'*' if len(word) >= PREFIX_MIN_LENGTH else ''}{weight}"
        if weight or len(word) >= PREFIX_MIN_LENGTH
        else word
        for word in words
    )


def _any_field_tsquery(terms: SearchTerms, weight: str = "") -> str:
    every_word = f"({_tsquery(terms.words, weight)})"
    return f"{every_word} | {_tsquery([terms.joined], weight)}" if terms.joined else every_word


CANDIDATES_SQL = """
    (SELECT id FROM inventory_product
     WHERE is_active AND (upper(sku) = %(code)s OR (gtin = %(code)s AND gtin <> '')))
    UNION
    (SELECT id FROM inventory_product
     WHERE is_active AND upper(sku) LIKE %(code_start)s
     ORDER BY upper(sku) LIMIT %(per_match)s)
    UNION
    (SELECT id FROM inventory_product
     WHERE is_active AND search_de @@ to_tsquery('german', %(any)s)
     ORDER BY popularity DESC, id LIMIT %(per_match)s)
    UNION
    (SELECT id FROM inventory_product
     WHERE is_active AND search_en @@ to_tsquery('english', %(any)s)
     ORDER BY popularity DESC, id LIMIT %(per_match)s)
"""

# Every word inside the names, also inside a compound ("schrauber" in "bohrschrauber"): the
# trigram index finds the rows and the recheck is a plain substring test.
PARTS_SQL = """
    UNION
    (SELECT id FROM inventory_product
     WHERE is_active AND {parts}
     ORDER BY popularity DESC, id LIMIT %(per_match)s)
"""

# Typos: word similarity. Its recheck costs a similarity per row the index lets through, so it
# runs only when the other matches found few products, and without ordering the rows first.
FUZZY_SQL = """
    SELECT id FROM inventory_product
    WHERE is_active AND lower(inventory_unaccent(%(text)s)) <%% search_names
    LIMIT %(per_match)s
"""

PART_SQL = "search_names LIKE '%%' || lower(inventory_unaccent({word})) || '%%'"

WORD_IN_NAME_SQL = (
    """(
    p.search_de @@ to_tsquery('german', {word_query})
    OR p.search_en @@ to_tsquery('english', {word_query})
    OR p."""
    + PART_SQL
    + """
)"""
)

RANK_SQL = """
    SELECT p.id FROM inventory_product p
    WHERE p.id = ANY(%(ids)s)
    ORDER BY (
        CASE WHEN upper(p.sku) = %(code)s OR (p.gtin = %(code)s AND p.gtin <> '')
            THEN {exact} ELSE 0 END
        + CASE WHEN upper(p.sku) LIKE %(code_start)s THEN {sku_start} ELSE 0 END
        + CASE WHEN {name_matches} THEN {all_words_in_name} ELSE 0 END
        + CASE WHEN p.search_de @@ to_tsquery('german', %(description)s)
            OR p.search_en @@ to_tsquery('english', %(description)s)
            THEN {words_in_description} ELSE 0 END
        + round(word_similarity(lower(inventory_unaccent(%(text)s)), p.search_names)::numeric, 1)
    ) DESC, p.popularity DESC, p.sku
    LIMIT %(limit)s
"""


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ranked_postgresql(terms: SearchTerms, *, limit: int) -> list[int]:
    params: dict[str, object] = {
        "code": terms.code,
        "code_start": _escape_like(terms.code) + "%",
        "any": _any_field_tsquery(terms),
        "description": _any_field_tsquery(terms, "C"),
        "text": terms.text,
        "per_match": CANDIDATES_PER_MATCH,
        "limit": limit,
    }
    parts = []
    words_in_name = []
    for index, word in enumerate(terms.words):
        params[f"word_{index}"] = word
        params[f"word_query_{index}"] = _tsquery([word], "A")
        words_in_name.append(
            WORD_IN_NAME_SQL.format(word=f"%(word_{index})s", word_query=f"%(word_query_{index})s")
        )
        if len(word) >= PREFIX_MIN_LENGTH:
            parts.append(PART_SQL.format(word=f"%(word_{index})s"))
    name_matches = " AND ".join(words_in_name)
    if terms.joined:
        params["joined"] = terms.joined
        params["joined_query"] = _tsquery([terms.joined], "A")
        joined = WORD_IN_NAME_SQL.format(word="%(joined)s", word_query="%(joined_query)s")
        name_matches = f"(({name_matches}) OR {joined})"
    candidates_sql = CANDIDATES_SQL
    if parts:
        candidates_sql += PARTS_SQL.format(parts=" AND ".join(parts))
    with connection.cursor() as cursor:
        cursor.execute(candidates_sql, params)
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) < FUZZY_BELOW:
            with transaction.atomic(savepoint=False):
                # SET LOCAL: the threshold holds for this transaction only.
                cursor.execute(
                    "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                    [str(CANDIDATE_WORD_SIMILARITY)],
                )
                cursor.execute(FUZZY_SQL, params)
                ids = list(dict.fromkeys([*ids, *(row[0] for row in cursor.fetchall())]))
        if not ids:
            return []
        cursor.execute(
            RANK_SQL.format(
                exact=EXACT_CODE,
                sku_start=SKU_START,
                name_matches=name_matches,
                all_words_in_name=ALL_WORDS_IN_NAME,
                words_in_description=WORDS_IN_DESCRIPTION,
            ),
            {**params, "ids": ids},
        )
        return [row[0] for row in cursor.fetchall()]


# Other databases ----------------------------------------------------------------------------


def _trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of each word, padded with one space after it; without the two that
    pad its start, so that "schrauber" is all of "bohrschrauber"'s end."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"{word} "
        grams.update(padded[index : index + 3] for index in range(len(padded) - 2))
    return grams


def word_similarity(query: str, text: str) -> float:
    """Like pg_trgm's word_similarity, more simply: the share of the query's trigrams found in
    the best run of consecutive words of `text`."""
    wanted = _trigrams(query)
    if not wanted:
        return 0.0
    words = _WORD.findall(text.lower())
    span = len(_WORD.findall(query)) + 1
    best = 0
    for start in range(len(words)):
        for end in range(start + 1, min(start + span, len(words)) + 1):
            best = max(best, len(wanted & _trigrams(" ".join(words[start:end]))))
    return best / len(wanted)


def _fold(text: str) -> str:
    """Lower case without accents, as the database's `lower(unaccent())`: "Ä" -> "a"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _has_word_start(words: Iterable[str], text: str) -> bool:
    tokens = _WORD.findall(text.lower())
    return all(
        any(
            token.startswith(word) if len(word) >= PREFIX_MIN_LENGTH else token == word
            for token in tokens
        )
        for word in words
    )


def _score(product: Product, terms: SearchTerms) -> float:
    names = f"{product.name} {product.name_en}"
    descriptions = f"{product.description} {product.description_en}"
    sku = product.sku.upper()
    exact = sku == terms.code or (product.gtin != "" and product.gtin == terms.code)
    folded = _fold(names)
    words_in_name = all(
        _has_word_start([word], names) or _fold(word) in folded for word in terms.words
    ) or (
        bool(terms.joined)
        and (_has_word_start([terms.joined], names) or _fold(terms.joined) in folded)
    )
    in_description = _has_word_start(terms.words, descriptions) or (
        bool(terms.joined) and _has_word_start([terms.joined], descriptions)
    )
    similarity = word_similarity(terms.text, names)
    if not (
        exact
        or sku.startswith(terms.code)
        or _has_word_start(terms.words, f"{names} {descriptions}")
        or in_description
        or similarity >= CANDIDATE_WORD_SIMILARITY
    ):
        return 0.0
    return (
        EXACT_CODE * exact
        + SKU_START * sku.startswith(terms.code)
        + ALL_WORDS_IN_NAME * words_in_name
        + WORDS_IN_DESCRIPTION * in_description
        + round(similarity, 1)
        # Above zero for any match, so that a match is told apart from none.
        + 0.01
    )


def product_ids_ranked_in_python(terms: SearchTerms, *, limit: int) -> list[int]:
    condition = Q(sku__istartswith=terms.code) | Q(gtin=terms.code)
    for word in terms.words:
        for field in ("name", "name_en", "description", "description_en"):
            condition |= Q(**{f"{field}__icontains": word[:PREFIX_MIN_LENGTH]})
    found = Product.objects.filter(condition, is_active=True)
    scored = [(_score(product, terms), product) for product in found]
    scored.sort(key=lambda row: (-row[0], -row[1].popularity, row[1].sku))
    return [product.pk for score, product in scored if score > 0][:limit]
