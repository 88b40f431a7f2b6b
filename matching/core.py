"""The matching engine's pure core: plain data in, ranked candidates and triads out.

No Django and no database here (STYLE.md rule 3): `matching.services` loads postings into
`Org`/`Post` records, builds an `Index`, and stores what it returns. The formula, each
signal and the weights are documented in matching/README.md.

For a query posting (usually an issue) of organisation A, every organisation B of another
kind gets a score in [0, 1]:

    score = Σ weight[s] · signal[s]   over the signals below, then gated by the rules
            (kinds that do not partner, the 企業版ふるさと納税 head-office rule → excluded)

Signals (each in [0, 1]):
- complement: need ↔ offer — cosine of A's posting with B's strengths (or B's needs when the
  query is a strength), Sudachi tokens, TF-IDF; divided by the best candidate's value so
  the scale does not depend on the corpus.
- shared_goal: cosine with B's stated goals/issues (partners often share a goal), same scaling.
- ngram: character 2–3-gram TF-IDF cosine of whole profiles, the fallback for words the
  dictionary does not know (place and product names).
- theme: Jaccard overlap of themes (chosen, or inferred from the text).
- geography: same municipality > prefecture > region > distance; online relaxes it.
- timing: overlapping periods (school years April–March; a municipality without budget this
  fiscal year fits work starting next April).
- scale: student numbers and budgets that fit, neutral when unknown.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

from .themes import infer_themes

ENGINE_VERSION = "2026.11-1"

KINDS = ("company", "municipality", "school")
# Who may partner with whom: every pair of different kinds (産・官・学).
PARTNER_KINDS = {
    "company": ("municipality", "school"),
    "municipality": ("company", "school"),
    "school": ("company", "municipality"),
}
REGION_OF_PREFECTURE = {
    1: "hokkaido",
    **dict.fromkeys(range(2, 8), "tohoku"),
    **dict.fromkeys(range(8, 15), "kanto"),
    **dict.fromkeys(range(15, 24), "chubu"),
    **dict.fromkeys(range(24, 31), "kinki"),
    **dict.fromkeys(range(31, 36), "chugoku"),
    **dict.fromkeys(range(36, 40), "shikoku"),
    **dict.fromkeys(range(40, 48), "kyushu"),
}

SIGNALS = ("complement", "shared_goal", "ngram", "theme", "geography", "timing", "scale")
DEFAULT_WEIGHTS: dict[str, float] = {
    "complement": 0.34,
    "shared_goal": 0.14,
    "ngram": 0.10,
    "theme": 0.14,
    "geography": 0.22,
    "timing": 0.04,
    "scale": 0.02,
}


@dataclass
class Org:
    """An organisation as the engine sees it."""

    id: int
    kind: str
    name: str = ""
    prefecture: int | None = None
    municipality: str | None = None  # 6-digit local government code of its place
    lat: float | None = None
    lng: float | None = None
    is_new: bool = False


@dataclass
class Post:
    """A posting as the engine sees it. `tokens` are matching.analysis.content_tokens."""

    id: int
    org_id: int
    direction: str  # "issue" | "strength"
    tokens: list[str]
    text: str = ""
    themes: frozenset[str] = frozenset()
    prefecture: int | None = None
    municipality: str | None = None
    lat: float | None = None
    lng: float | None = None
    online_ok: bool = False
    nationwide: bool = False
    starts_on: date | None = None
    ends_on: date | None = None
    budget_next_year: bool = False
    funding_route: str = ""
    student_count: int | None = None
    budget_min: int | None = None
    budget_max: int | None = None


@dataclass
class Candidate:
    org_id: int
    score: float
    signals: dict[str, float]
    shared_words: list[str] = field(default_factory=list)
    shared_themes: list[str] = field(default_factory=list)
    distance_km: float | None = None
    posting_id: int | None = None  # the candidate's posting that fits best


@dataclass
class Triad:
    org_ids: tuple[int, int]
    score: float
    members: tuple[Candidate, Candidate]
    fit: float


@dataclass
class _Query:
    """What one query posting costs to compute once and can reuse across `rank` calls (the
    pair list, then each kind of the triads): its vectors, its raw text cosines against
    every organisation, and the structured signals of each candidate row already seen."""

    key: tuple
    post: Post
    vector: sparse.csr_matrix
    char_vector: sparse.csr_matrix
    # Raw text cosines against every organisation, filled kind by kind (only the kinds
    # asked for, and only those scored exhaustively: see _text_of).
    complement: np.ndarray
    shared: np.ndarray
    ngram: np.ndarray
    point: tuple[float, float] | None
    prefecture: int | None
    municipality: str | None
    words: frozenset[str]
    # row → None (a rule excludes the pair) or (structured signals, distance, best posting)
    fits: dict[int, tuple[dict[str, float], float | None, Post | None] | None] = field(
        default_factory=dict
    )
    kinds_done: set[str] = field(default_factory=set)
    # Kinds whose candidates were retrieved by the query's selective features (a large
    # corpus, see RETRIEVAL_BUDGET): kind → (pool rows, complement, shared, ngram), the
    # cosines exact for the pool's organisations.
    pools: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )
    word_weights: dict[int, float] | None = None  # feature → weight in `vector`


# Candidate retrieval in a large corpus (matching/README.md, "Candidate retrieval at scale"). A
# query's text cosines against every organisation of a kind cost one multiply-add per entry
# of the inverted lists of its features; the common words and character n-grams (in
# thousands of profiles, with the lowest IDF) make up most of those entries. So, per kind
# and per text signal, candidates are retrieved with the query's most selective features
# (rarest first) until their inverted lists hold RETRIEVAL_BUDGET entries; the best
# RETRIEVAL_POOL organisations by that partial score (and the best RETRIEVAL_POOL // 4 by
# each partial signal, so that the best value of each signal, which scales it, is very
# likely among them) are then scored exactly with every feature. Queries whose features
# hold fewer entries than the budget, and kinds with at most 2 × RETRIEVAL_POOL
# organisations, are scored exhaustively as before (so small corpora, the tests and the
# evaluation are unchanged).
RETRIEVAL_BUDGET = 100_000
RETRIEVAL_POOL = 400


# How many query postings an Index remembers (_Query): one posting's proposals need one;
# a few more let callers interleave postings without recomputing.
QUERY_CACHE_SIZE = 4
# Fields of a Post that the structured signals and the rules read (the query cache's key).
_QUERY_FIELDS = (
    "id",
    "org_id",
    "direction",
    "text",
    "themes",
    "prefecture",
    "municipality",
    "lat",
    "lng",
    "online_ok",
    "nationwide",
    "starts_on",
    "ends_on",
    "budget_next_year",
    "funding_route",
    "student_count",
    "budget_min",
    "budget_max",
)


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1 = map(math.radians, a)
    lat2, lng2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def geography_score(
    a_pref: int | None,
    a_muni: str | None,
    a_point: tuple[float, float] | None,
    b_pref: int | None,
    b_muni: str | None,
    b_point: tuple[float, float] | None,
    *,
    online: bool = False,
    nationwide: bool = False,
) -> tuple[float, float | None]:
    """(score, distance in km or None). Unknown places are neutral (0.4), not zero."""
    distance = haversine_km(a_point, b_point) if a_point and b_point else None
    score = _place_score(a_pref, a_muni, b_pref, b_muni)
    if score is None:
        score = _distance_score(distance)
    if nationwide:
        score = max(score, 0.5)
    if online:
        score = max(score, 0.6)
    return score, distance


def _place_score(
    a_pref: int | None, a_muni: str | None, b_pref: int | None, b_muni: str | None
) -> float | None:
    """geography_score as far as the places decide it; None when the distance does."""
    if a_pref is None or b_pref is None:
        return 0.4
    if a_muni and b_muni and a_muni == b_muni:
        return 1.0
    if a_pref == b_pref:
        return 0.8
    if REGION_OF_PREFECTURE.get(a_pref) == REGION_OF_PREFECTURE.get(b_pref):
        return 0.55
    return None


def _distance_score(distance: float | None) -> float:
    return 0.1 + 0.35 * math.exp(-distance / 400) if distance is not None else 0.2


# A distance the structured signals did not need, computed only for returned candidates.
_DISTANCE_LATER = -1.0


def _period(post: Post) -> tuple[date, date] | None:
    if post.starts_on or post.ends_on:
        start = post.starts_on or post.ends_on
        end = post.ends_on or post.starts_on
        return (start, end) if start <= end else (end, start)
    return None


def timing_score(query: Post, other: Post | None, *, today: date) -> float:
    """1 for overlapping periods, falling with the gap; 0.5 when either is unknown. A
    municipality that must request budget for next year fits work from next April."""
    if other is None:
        return 0.5
    a, b = _period(query), _period(other)
    if query.budget_next_year or other.budget_next_year:
        next_april = date(today.year + (1 if today.month >= 4 else 0), 4, 1)
        other_period = b if query.budget_next_year else a
        if other_period is None:
            return 0.6
        return 1.0 if other_period[1] >= next_april else 0.2
    if a is None or b is None:
        return 0.5
    gap = max((b[0] - a[1]).days, (a[0] - b[1]).days, 0)
    return 1.0 if gap == 0 else max(0.0, 1 - gap / 365)


def scale_score(query: Post, other: Post | None) -> float:
    if other is None:
        return 0.5
    scores = []
    if query.budget_max is not None and other.budget_min is not None:
        scores.append(1.0 if other.budget_min <= query.budget_max else 0.2)
    if other.budget_max is not None and query.budget_min is not None:
        scores.append(1.0 if query.budget_min <= other.budget_max else 0.2)
    if query.student_count and other.student_count:
        ratio = min(query.student_count, other.student_count) / max(
            query.student_count, other.student_count
        )
        scores.append(0.4 + 0.6 * ratio)
    return sum(scores) / len(scores) if scores else 0.5


def funding_allowed(query: Post, query_org: Org, other_org: Org) -> bool:
    """企業版ふるさと納税 cannot go to the local government of the donor's head office."""
    if query.funding_route != "corporate_furusato":
        return True
    company, government = (
        (other_org, query_org) if query_org.kind == "municipality" else (query_org, other_org)
    )
    if company.kind != "company" or government.kind != "municipality":
        return True
    if company.municipality and government.municipality:
        if company.municipality == government.municipality:
            return False
        # A prefecture government (code ends in 0000x) covers its whole prefecture.
        is_prefecture_government = government.municipality[2:5] == "000"
        return not (is_prefecture_government and company.prefecture == government.prefecture)
    return True


class Index:
    """In-memory matching index over organisations and their open postings.

    Build once per worker (or per evaluation), then query many times. Each organisation has
    three profile vectors: its offers (strength postings), its needs (issue postings), and a
    character n-gram vector of everything it wrote.
    """

    def __init__(
        self,
        orgs: Iterable[Org],
        posts: Iterable[Post],
        *,
        weights: dict[str, float] | None = None,
        today: date | None = None,
    ) -> None:
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        self.today = today or date.today()
        self.orgs: dict[int, Org] = {o.id: o for o in orgs}
        self.posts: dict[int, Post] = {}
        self.posts_by_org: dict[int, list[Post]] = {}
        for post in posts:
            if post.org_id not in self.orgs:
                continue
            if not post.themes:
                post.themes = infer_themes(post.tokens)
            self.posts[post.id] = post
            self.posts_by_org.setdefault(post.org_id, []).append(post)
        # Per organisation: the directions of its postings that ask for 企業版ふるさと納税
        # (the funding rule reads only those), and its postings by wanted direction.
        self._furusato: dict[int, set[str]] = {}
        for org_posts in self.posts_by_org.values():
            for post in org_posts:
                if post.funding_route == "corporate_furusato":
                    self._furusato.setdefault(post.org_id, set()).add(post.direction)
        self._options: dict[tuple[int, str], list[Post]] = {}
        self.retrieval_budget = RETRIEVAL_BUDGET
        self.retrieval_pool = RETRIEVAL_POOL
        self.org_ids = list(self.orgs)
        self.row = {org_id: i for i, org_id in enumerate(self.org_ids)}
        self.kind = np.array([self.orgs[i].kind for i in self.org_ids])
        self._build_text()

    # -- text --------------------------------------------------------------------------

    def _profile_tokens(self, org_id: int, direction: str) -> list[str]:
        tokens: list[str] = []
        for post in self.posts_by_org.get(org_id, []):
            if post.direction == direction:
                tokens.extend(post.tokens)
        return tokens

    def _build_text(self) -> None:
        offers = [self._profile_tokens(i, "strength") for i in self.org_ids]
        needs = [self._profile_tokens(i, "issue") for i in self.org_ids]
        # Fitted and transformed in one pass (fit, then transform, analysed every profile
        # twice); the profiles are the first rows of the fitted documents.
        self.words, fitted = _fit_transform(
            _Tfidf(analyzer=_identity, sublinear_tf=True, min_df=1, norm="l2"),
            offers + needs + [p.tokens for p in self.posts.values()],
            placeholder=[["\x00"]],
        )
        self.offer_matrix = fitted[: len(offers)]
        self.need_matrix = fitted[len(offers) : len(offers) + len(needs)]
        del fitted
        texts = [
            " ".join(p.text for p in self.posts_by_org.get(i, [])) or self.orgs[i].name
            for i in self.org_ids
        ]
        # Character n-grams found in over half the profiles say nothing; with few profiles
        # every n-gram may be that common, so the cut only applies to a real corpus.
        self.chars, self.char_matrix = _fit_transform(
            _Tfidf(
                analyzer="char",
                ngram_range=(2, 3),
                sublinear_tf=True,
                min_df=1,
                max_df=0.5 if len(texts) >= 20 else 1.0,
            ),
            texts,
            placeholder=["\x00\x00"],
        )
        self.theme_sets = [
            frozenset().union(*(p.themes for p in self.posts_by_org.get(i, [])))
            for i in self.org_ids
        ]
        self.vocabulary = np.array(self.words.get_feature_names_out())
        for matrix in (self.offer_matrix, self.need_matrix, self.char_matrix):
            matrix.sort_indices()  # row operations below intersect sorted index arrays
        # Feature × organisation copies (inverted lists), one per kind of organisation: a
        # query touches only the organisations of the kinds it asks for that share one of
        # its features, instead of every stored entry (its own kind is never a candidate),
        # and sums each cosine in the same (feature) order as matrix @ vector.T did.
        self.by_feature: dict[str, tuple[np.ndarray, sparse.csr_matrix, ...]] = {}
        for kind in KINDS:
            rows = np.flatnonzero(self.kind == kind)
            if rows.size:
                self.by_feature[kind] = (
                    rows,
                    *(m[rows].T.tocsr() for m in (self.offer_matrix, self.need_matrix)),
                    self.char_matrix[rows].T.tocsr(),
                )
        # Per kind: the length of each feature's inverted list (offers, needs, n-grams).
        self._list_lengths = {
            kind: tuple(np.diff(m.indptr) for m in inverted)
            for kind, (_rows, *inverted) in self.by_feature.items()
        }
        self._kind_rows: dict[tuple[str, ...], np.ndarray] = {}
        self._queries: OrderedDict[int, _Query] = OrderedDict()
        self._vectors: dict[int, tuple[Post, sparse.csr_matrix, sparse.csr_matrix]] = {}

    def prepare(self, posts: Sequence[Post]) -> None:
        """Vectorise many query postings in one call (the vectorisers' per-call overhead
        exceeds their per-document cost); their next `rank` uses these vectors. Replaces
        what an earlier call prepared, so memory stays bounded by one batch."""
        words = self.words.transform([post.tokens for post in posts])
        chars = self.chars.transform([post.text or " ".join(post.tokens) for post in posts])
        self._vectors = {id(post): (post, words[i], chars[i]) for i, post in enumerate(posts)}

    def _rows_of(self, kinds: Sequence[str]) -> np.ndarray:
        """Rows (sorted) of the organisations of these kinds."""
        key = tuple(sorted(kinds))
        if key not in self._kind_rows:
            self._kind_rows[key] = np.flatnonzero(np.isin(self.kind, key))
        return self._kind_rows[key]

    def _query(self, post: Post) -> _Query:
        """The query posting's vectors and raw text cosines against every organisation,
        computed once and reused while the posting is unchanged (see QUERY_CACHE_SIZE)."""
        key = (
            *(getattr(post, name) for name in _QUERY_FIELDS),
            id(post.tokens),
            len(post.tokens),
        )
        cached = self._queries.get(id(post))
        if cached is not None and cached.post is post and cached.key == key:
            self._queries.move_to_end(id(post))
            return cached
        prepared = self._vectors.get(id(post))
        if prepared is not None and prepared[0] is post:
            _post, vector, char_vector = prepared
        else:
            vector = self.words.transform([post.tokens])
            char_vector = self.chars.transform([post.text or " ".join(post.tokens)])
        vector.sort_indices()
        char_vector.sort_indices()
        query_org = self.orgs[post.org_id]
        if post.lat is not None:
            point: tuple[float, float] | None = (post.lat, post.lng)  # type: ignore[assignment]
        elif query_org.lat is not None:
            point = (query_org.lat, query_org.lng)  # type: ignore[assignment]
        else:
            point = None
        query = _Query(
            key=key,
            post=post,
            vector=vector,
            char_vector=char_vector,
            complement=np.zeros(len(self.org_ids)),
            shared=np.zeros(len(self.org_ids)),
            ngram=np.zeros(len(self.org_ids)),
            point=point,
            prefecture=post.prefecture or query_org.prefecture,
            municipality=post.municipality or query_org.municipality,
            words=frozenset(post.tokens),
        )
        self._text_of(query, PARTNER_KINDS.get(query_org.kind, KINDS))
        self._queries[id(post)] = query
        while len(self._queries) > QUERY_CACHE_SIZE:
            self._queries.popitem(last=False)
        return query

    def _text_of(self, query: _Query, kinds: Sequence[str], *, exhaustive: bool = False) -> None:
        """Fill the query's raw text cosines for the organisations of these kinds: against
        every organisation, or (a large kind, a query with common features, and not
        `exhaustive`) for the pool of candidates its selective features retrieve."""
        for kind in kinds:
            if kind in query.kinds_done or kind not in self.by_feature:
                continue
            if not exhaustive and kind in query.pools:
                continue
            rows, offer, need, char = self.by_feature[kind]
            vectors = (query.vector, query.vector, query.char_vector)
            if not exhaustive and rows.size > 2 * self.retrieval_pool:
                lengths = self._list_lengths[kind]
                if any(
                    int(length[vector.indices].sum()) > self.retrieval_budget
                    for vector, length in zip(vectors, lengths, strict=True)
                ):
                    query.pools[kind] = self._pool(query, kind)
                    continue
            offers = _cosines(query.vector, offer)
            needs = _cosines(query.vector, need)
            issue = query.post.direction == "issue"
            query.complement[rows] = offers if issue else needs
            query.shared[rows] = needs if issue else offers
            query.ngram[rows] = _cosines(query.char_vector, char)
            query.kinds_done.add(kind)

    def _pool(
        self, query: _Query, kind: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Candidate retrieval for a large kind (see RETRIEVAL_BUDGET): the pool's rows
        (ascending) and their complement, shared and ngram cosines, each bit for bit what
        the exhaustive product gives for that organisation."""
        rows, *inverted = self.by_feature[kind]
        vectors = (query.vector, query.vector, query.char_vector)
        offers, needs, chars = (
            _cosines(_selective(vector, length, self.retrieval_budget), matrix)
            for vector, matrix, length in zip(
                vectors, inverted, self._list_lengths[kind], strict=True
            )
        )
        issue = query.post.direction == "issue"
        complement, shared = (offers, needs) if issue else (needs, offers)
        w = self.weights
        partial = (
            w["complement"] * _scaled(complement)
            + w["shared_goal"] * _scaled(shared)
            + w["ngram"] * _scaled(chars)
        )
        picked = np.zeros(rows.size, dtype=bool)
        picked[_top(partial, self.retrieval_pool)] = True
        for values in (offers, needs, chars):
            picked[_top(values, max(1, self.retrieval_pool // 4))] = True
        pool = rows[picked]
        # Exact cosines of the pool: each organisation's row times the dense query sums the
        # same products in the same (feature) order as the inverted product does.
        words = _dense(query.vector)
        offers = self.offer_matrix[pool] @ words
        needs = self.need_matrix[pool] @ words
        chars = self.char_matrix[pool] @ _dense(query.char_vector)
        complement, shared = (offers, needs) if issue else (needs, offers)
        return pool, complement, shared, chars

    # -- ranking -------------------------------------------------------------------------

    def rank(
        self,
        post: Post,
        *,
        kind: str | None = None,
        limit: int = 10,
        exclude_org_ids: Sequence[int] = (),
        shortlist: int | None = None,
    ) -> list[Candidate]:
        """The best organisations for `post`, of `kind` (or of every partner kind).

        The text signals are computed for every organisation of the wanted kinds (in a
        large kind, for the pool its selective features retrieve: RETRIEVAL_BUDGET; a
        `shortlist` longer than RETRIEVAL_POOL scores every organisation); the structured
        signals for a shortlist of the best by text (default 5 × limit, at least 60), which
        keeps one query fast at 100,000 organisations. Repeated calls for the same
        posting (another kind, another limit) reuse its text cosines and the structured
        signals of candidates already seen; only the returned candidates get their shared
        words and rounded figures."""
        query_org = self.orgs[post.org_id]
        kinds = (kind,) if kind else PARTNER_KINDS[query_org.kind]
        rows = self._rows_of(kinds)
        if rows.size == 0:
            return []
        query = self._query(post)
        # A shortlist longer than a retrieval pool asks for every organisation.
        self._text_of(query, kinds, exhaustive=(shortlist or 0) > self.retrieval_pool)
        if all(k in query.kinds_done or k not in self.by_feature for k in kinds):
            complement, shared, ngram = (
                query.complement[rows],
                query.shared[rows],
                query.ngram[rows],
            )
        else:
            rows, complement, shared, ngram = self._retrieved(query, kinds)
        excluded = np.zeros(rows.size, dtype=bool)
        for org_id in (post.org_id, *exclude_org_ids):
            row = self.row.get(org_id)
            if row is not None:
                at = np.searchsorted(rows, row)
                if at < rows.size and rows[at] == row:
                    excluded[at] = True
        # Scaled by the best of these kinds (excluded rows included, as always).
        complement = _scaled(complement)
        shared = _scaled(shared)
        ngram = _scaled(ngram)
        w = self.weights
        score = w["complement"] * complement + w["shared_goal"] * shared + w["ngram"] * ngram
        score[excluded] = -np.inf
        # The cheap text score picks a shortlist; the structured signals refine it.
        size = shortlist if shortlist is not None else max(60, limit * 5)
        size = min(size, int((~excluded).sum()))
        if size <= 0:
            return []
        top = np.argpartition(-score, size - 1)[:size] if size < rows.size else np.arange(rows.size)
        top = top[np.lexsort((rows[top], -score[top]))]
        scored = []
        for i in top.tolist():
            row = int(rows[i])
            fit = self._structured(query, row)
            if fit is None:
                continue
            structured, _distance, _best = fit
            # The same sum, in the same order, as Σ over SIGNALS of weight · signal.
            total = 0.0
            total += w["complement"] * float(complement[i])
            total += w["shared_goal"] * float(shared[i])
            total += w["ngram"] * float(ngram[i])
            total += w["theme"] * structured["theme"]
            total += w["geography"] * structured["geography"]
            total += w["timing"] * structured["timing"]
            total += w["scale"] * structured["scale"]
            org_id = self.org_ids[row]
            if self.orgs[org_id].is_new:
                total += 0.01  # a fair chance for newcomers (tie-breaker, not a boost)
            scored.append((round(total, 6), org_id, row, i))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [
            self._candidate(
                query,
                row,
                rounded,
                {
                    "complement": float(complement[i]),
                    "shared_goal": float(shared[i]),
                    "ngram": float(ngram[i]),
                },
            )
            for rounded, _org_id, row, i in scored[:limit]
        ]

    def _retrieved(
        self, query: _Query, kinds: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Rows (ascending) and raw text cosines of these kinds' candidates, when at least
        one kind was retrieved as a pool rather than scored exhaustively."""
        parts = []
        for kind in kinds:
            if kind in query.kinds_done:
                rows = self.by_feature[kind][0]
                parts.append((rows, query.complement[rows], query.shared[rows], query.ngram[rows]))
            elif kind in query.pools:
                parts.append(query.pools[kind])
        if len(parts) == 1:
            return parts[0]
        rows, complement, shared, ngram = (
            np.concatenate(arrays) for arrays in zip(*parts, strict=True)
        )
        order = np.argsort(rows, kind="stable")
        return rows[order], complement[order], shared[order], ngram[order]

    def _best_post(
        self, post: Post, org_id: int, words: frozenset[str] | None = None
    ) -> Post | None:
        """The candidate's posting in the complementary direction that shares most words."""
        wanted = "strength" if post.direction == "issue" else "issue"
        options = self._options.get((org_id, wanted))
        if options is None:
            options = [p for p in self.posts_by_org.get(org_id, []) if p.direction == wanted]
            if not options:
                options = self.posts_by_org.get(org_id, [])
            self._options[(org_id, wanted)] = options
        if not options:
            return None
        if len(options) == 1:
            return options[0]
        words = words if words is not None else frozenset(post.tokens)
        return max(options, key=lambda p: (len(words.intersection(p.tokens)), -p.id))

    def _structured(
        self, query: _Query, row: int
    ) -> tuple[dict[str, float], float | None, Post | None] | None:
        """The rules and the structured signals for one candidate row (None: excluded),
        remembered for the query posting."""
        if row in query.fits:
            return query.fits[row]
        post = query.post
        query_org = self.orgs[post.org_id]
        org = self.orgs[self.org_ids[row]]
        # The rule applies whichever side asks for the donation (only the candidate's
        # postings asking for it can forbid the pair: skip the others).
        furusato = self._furusato.get(org.id)
        if not funding_allowed(post, query_org, org) or (
            furusato
            and any(direction != post.direction for direction in furusato)
            and not all(
                funding_allowed(other, org, query_org)
                for other in self.posts_by_org.get(org.id, [])
                if other.direction != post.direction
            )
        ):
            query.fits[row] = None
            return None
        best = self._best_post(post, org.id, query.words)
        themes = self.theme_sets[row]
        union = post.themes | themes
        other_pref = best.prefecture if best and best.prefecture else org.prefecture
        other_muni = best.municipality if best and best.municipality else org.municipality
        # geography_score, with the distance left for later unless it decides the score.
        geo = _place_score(query.prefecture, query.municipality, other_pref, other_muni)
        distance: float | None = _DISTANCE_LATER
        if geo is None:
            distance = self._distance(query, org)
            geo = _distance_score(distance)
        if post.nationwide or (best and best.nationwide):
            geo = max(geo, 0.5)
        if post.online_ok or (best and best.online_ok):
            geo = max(geo, 0.6)
        structured = {
            "theme": len(post.themes & themes) / len(union) if union else 0.0,
            "geography": geo,
            "timing": timing_score(post, best, today=self.today),
            "scale": scale_score(post, best),
        }
        query.fits[row] = (structured, distance, best)
        return query.fits[row]

    def _candidate(
        self, query: _Query, row: int, score: float, text: dict[str, float]
    ) -> Candidate:
        """A returned candidate with its rounded figures and explanation."""
        structured, distance, best = query.fits[row]  # type: ignore[misc]
        if distance == _DISTANCE_LATER:
            distance = self._distance(query, self.orgs[self.org_ids[row]])
        post = query.post
        signals = {**text, **structured}
        offers = self.offer_matrix if post.direction == "issue" else self.need_matrix
        return Candidate(
            org_id=self.org_ids[row],
            score=score,
            signals={k: round(v, 4) for k, v in signals.items()},
            shared_words=self._shared_words(query, offers, row),
            shared_themes=sorted(post.themes & self.theme_sets[row]),
            distance_km=round(distance, 1) if distance is not None else None,
            posting_id=best.id if best else None,
        )

    @staticmethod
    def _distance(query: _Query, org: Org) -> float | None:
        if query.point and org.lat is not None:
            return haversine_km(query.point, (org.lat, org.lng))  # type: ignore[arg-type]
        return None

    def _shared_words(
        self, query: _Query, matrix: sparse.csr_matrix, row: int, n: int = 6
    ) -> list[str]:
        """The words weighing most in both texts (largest product of TF-IDF weights; ties
        in word order). Plain Python over the row's few entries: numpy's per-call cost
        exceeded the work for the ≈ 40 words of a profile."""
        if query.word_weights is None:
            vector = query.vector
            query.word_weights = dict(
                zip(vector.indices.tolist(), vector.data.tolist(), strict=True)
            )
        weights = query.word_weights
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        products = [
            (weights[column] * value, column)
            for column, value in zip(
                matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), strict=True
            )
            if column in weights
        ]
        products.sort(key=lambda item: (-item[0], item[1]))
        return [str(self.vocabulary[column]) for _product, column in products[:n]]

    # -- triads --------------------------------------------------------------------------

    def triads(self, post: Post, *, limit: int = 10, beam: int = 15) -> list[Triad]:
        """Three-way proposals for `post`: the two other kinds, each fitting the posting and
        each other. Beam search over the top `beam` candidates of each kind (the per-kind
        ranks reuse the posting's text cosines and structured signals from `rank`)."""
        query_kind = self.orgs[post.org_id].kind
        first_kind, second_kind = PARTNER_KINDS[query_kind]
        firsts = self.rank(post, kind=first_kind, limit=beam)
        seconds = self.rank(post, kind=second_kind, limit=beam)
        if not firsts or not seconds:
            return []
        fits = self.pair_fits([a.org_id for a in firsts], [b.org_id for b in seconds])
        # Score every combination at once (the same operations, in the same order, as
        # 0.4 · a + 0.4 · b + 0.2 · fit on floats), then round and order only those that can
        # be among the best `limit` once rounded to 6 decimals (rounding moves a score by at
        # most 5e-7), and build only the returned ones.
        totals = (
            0.4 * np.array([a.score for a in firsts])[:, None]
            + 0.4 * np.array([b.score for b in seconds])[None, :]
        ) + 0.2 * fits
        flat = totals.ravel()
        if 0 < limit < flat.size:
            bar = float(np.partition(flat, flat.size - limit)[flat.size - limit]) - 2e-6
            kept = np.flatnonzero(flat >= bar).tolist()
        else:
            kept = range(flat.size)
        width = len(seconds)
        scored = []
        for k in kept:
            i, j = divmod(k, width)
            org_ids = (firsts[i].org_id, seconds[j].org_id)
            scored.append((round(float(flat[k]), 6), org_ids, i, j, float(fits[i, j])))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [
            Triad(
                org_ids=org_ids,
                score=score,
                members=(firsts[i], seconds[j]),
                fit=round(fit, 4),
            )
            for score, org_ids, i, j, fit in scored[:limit]
        ]

    def pair_fit(self, a_id: int, b_id: int) -> float:
        """How well two candidate organisations fit each other: text and place."""
        return float(self.pair_fits([a_id], [b_id])[0, 0])

    def pair_fits(self, a_ids: Sequence[int], b_ids: Sequence[int]) -> np.ndarray:
        """pair_fit for every (a, b) of a_ids × b_ids at once (three small sparse products
        instead of three row intersections per pair)."""
        ra = [self.row[a] for a in a_ids]
        rb = [self.row[b] for b in b_ids]
        text = np.maximum.reduce(
            [
                (self.offer_matrix[ra] @ self.need_matrix[rb].T).toarray(),
                (self.need_matrix[ra] @ self.offer_matrix[rb].T).toarray(),
                (self.char_matrix[ra] @ self.char_matrix[rb].T).toarray(),
            ]
        )
        fits = np.empty((len(ra), len(rb)))
        for i, a_id in enumerate(a_ids):
            a = self.orgs[a_id]
            for j, b_id in enumerate(b_ids):
                b = self.orgs[b_id]
                # geography_score, measuring the distance only when it decides.
                geo = _place_score(a.prefecture, a.municipality, b.prefecture, b.municipality)
                if geo is None:
                    geo = _distance_score(
                        haversine_km((a.lat, a.lng), (b.lat, b.lng))  # type: ignore[arg-type]
                        if a.lat is not None and b.lat is not None
                        else None
                    )
                fits[i, j] = 0.5 * min(1.0, float(text[i, j]) * 2) + 0.5 * geo
        return fits


def _cosines(vector: sparse.csr_matrix, by_feature: sparse.csr_matrix) -> np.ndarray:
    """vector (1 × features, sorted indices) against every organisation (by_feature:
    features × orgs): the inverted lists of its features, transposed, times its weights.
    Each cosine sums the same products in the same (feature) order as vector @ by_feature,
    without that product's two passes and sparse result."""
    if vector.nnz == 0:
        return np.zeros(by_feature.shape[1])
    return by_feature[vector.indices].T @ vector.data


def _selective(vector: sparse.csr_matrix, lengths: np.ndarray, budget: int) -> sparse.csr_matrix:
    """The query's features with the shortest inverted lists (`lengths`), rarest first,
    until their lists hold `budget` entries (at least one feature): all of them when their
    lists are within the budget."""
    entries = lengths[vector.indices]
    if int(entries.sum()) <= budget:
        return vector
    order = np.argsort(entries, kind="stable")
    count = max(1, int(np.searchsorted(np.cumsum(entries[order]), budget, side="right")))
    keep = np.sort(order[:count])
    return sparse.csr_matrix(
        (vector.data[keep], vector.indices[keep], np.array([0, keep.size])), shape=vector.shape
    )


def _top(values: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` largest values, in no particular order (which of equal
    values at the cut is kept is up to numpy's introselect, deterministic for an input)."""
    if count >= values.size:
        return np.arange(values.size)
    return np.argpartition(-values, count - 1, kind="introselect")[:count]


def _dense(vector: sparse.csr_matrix) -> np.ndarray:
    dense = np.zeros(vector.shape[1])
    dense[vector.indices] = vector.data
    return dense


class _Tfidf(TfidfVectorizer):
    """TfidfVectorizer whose fit_transform gives bit for bit what fit, then transform, gives
    (TfidfVectorizer.fit_transform normalises rows whose indices are not yet sorted, so
    their norms are summed in another order and differ in the last bit), in one pass over
    the documents instead of two. Follows TfidfVectorizer.fit_transform (scikit-learn
    1.5–1.9); tests/matching/test_core.py checks the equality."""

    def fit_transform(self, raw_documents: list, y: object = None) -> sparse.csr_matrix:
        self._check_params()
        self._tfidf = TfidfTransformer(
            norm=self.norm,
            use_idf=self.use_idf,
            smooth_idf=self.smooth_idf,
            sublinear_tf=self.sublinear_tf,
        )
        counts = CountVectorizer.fit_transform(self, raw_documents)
        counts.sort_indices()
        self._tfidf.fit(counts)
        return self._tfidf.transform(counts, copy=False)


def _fit_transform(
    vectorizer: TfidfVectorizer, documents: list, *, placeholder: list
) -> tuple[TfidfVectorizer, sparse.csr_matrix]:
    """Fit and return the documents' vectors (rows with sorted indices, as transform gives
    them); when there is nothing to learn from (no postings, no words), fit on a
    placeholder so every document becomes a zero vector instead of an error."""
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:
        vectorizer.set_params(max_df=1.0, min_df=1)
        vectorizer.fit(placeholder)
        if not documents:  # no organisation at all: transform refuses an empty list
            return vectorizer, sparse.csr_matrix((0, len(vectorizer.vocabulary_)))
        return vectorizer, vectorizer.transform(documents)
    return vectorizer, matrix.tocsr()


def _scaled(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if values.size else 0.0
    return values / top if top > 0 else values


class Ranked(Protocol):
    """What the diversity re-ranking reads of a candidate (a Candidate, or the recompute's
    lighter matching.services.RankedPair)."""

    @property
    def org_id(self) -> int: ...

    @property
    def score(self) -> float: ...


RankedT = TypeVar("RankedT", bound=Ranked)


def rerank_for_diversity(
    lists: dict[int, list[RankedT]],
    *,
    cap: int = 0,
    penalty: float = 0.03,
    exposure: dict[int, int] | None = None,
) -> dict[int, list[RankedT]]:
    """Across many postings' lists, keep one large organisation from filling every list:
    each further appearance of an organisation costs `penalty` (so it sinks gently), and
    with `cap` > 0 it appears in at most `cap` lists. Lists are processed in id order so the
    result is deterministic.

    `exposure` (organisation id → appearances so far) is read and updated in place: passing
    the same dict for consecutive batches of postings, in ascending id order, gives the same
    result as one call over all of them, without holding every list in memory."""
    exposure = exposure if exposure is not None else {}
    result: dict[int, list[RankedT]] = {}
    for posting_id in sorted(lists):
        adjusted = []
        for candidate in lists[posting_id]:
            seen = exposure.get(candidate.org_id, 0)
            if cap and seen >= cap:
                continue
            adjusted.append((candidate.score - penalty * math.log1p(seen), candidate))
        adjusted.sort(key=lambda pair: (-pair[0], pair[1].org_id))
        result[posting_id] = [c for _s, c in adjusted]
        for candidate in result[posting_id]:
            exposure[candidate.org_id] = exposure.get(candidate.org_id, 0) + 1
    return result
