"""Set-at-a-time evaluation of a Whoosh query: exact totals, facets and the ranked page in
one pass, with numpy instead of Whoosh's posting-by-posting Python loop.

Why: Whoosh's matchers visit every matching posting in Python, and an exact total (which the
results page and the facets need) defeats its block-skipping, so a common word at 100,000
documents costs hundreds of milliseconds. Here each term's postings are read block by block
as Whoosh stores them (arrays of ids and weights); a block whose id range holds no document
the user may see is skipped on its header alone, so the cost follows what the user may see,
not the size of the archive. The query tree is then combined with numpy set operations.

Scores use Whoosh's own BM25F formula (``whoosh.scoring.bm25``) with the same statistics
(idf, average field length, the per-document length byte), so the ranking is Whoosh's:
an ``And`` or ``Or`` adds its children's scores, a query boost multiplies. A phrase is
matched by Whoosh itself, but only on the documents that hold all its words and that the
user may see; its score is the sum of its words' scores.

Anything this module does not model is handed to Whoosh (``docs_for_query``) restricted to
the visible documents, with score 0: slower, never wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import _length_byte_cache

_EMPTY_IDS = np.empty(0, dtype=np.int64)
_EMPTY_SCORES = np.empty(0, dtype=np.float64)
_BYTE_TO_LENGTH = np.array(_length_byte_cache, dtype=np.float64)


@dataclass(frozen=True)
class Hits:
    """Sorted, unique global document numbers with their scores (same order)."""

    ids: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> Hits:
        return cls(_EMPTY_IDS, _EMPTY_SCORES)

    def __len__(self) -> int:
        return len(self.ids)


class DocSetQuery(wq.Query):
    """Matches a fixed, sorted set of global document numbers (score 0).

    Used to hand the visible documents to Whoosh's own matchers (phrases, fallbacks)."""

    def __init__(self, docnums: np.ndarray) -> None:
        self.docnums = docnums
        self.boost = 1.0

    def __eq__(self, other) -> bool:
        return isinstance(other, DocSetQuery) and other.docnums is self.docnums

    def __hash__(self) -> int:
        return id(self.docnums)

    def __repr__(self) -> str:
        return f"<DocSetQuery {len(self.docnums)} docs>"

    def is_leaf(self) -> bool:
        return True

    def estimate_size(self, ixreader) -> int:
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        offset = 0
        parent = searcher.parent() if searcher.parent is not None else None
        if parent is not None:
            offset = parent._offset_for_subsearcher(searcher) or 0
        end = offset + searcher.doc_count_all()
        lo, hi = np.searchsorted(self.docnums, [offset, end])
        ids = (self.docnums[lo:hi] - offset).tolist()
        return ListMatcher(ids, all_weights=0.0) if ids else NullMatcher()


class SegmentColumns:
    """Per-segment arrays that do not change while the segment lives (a Whoosh segment is
    immutable; deletions are handled by the visible set). Cached by the backend per
    segment id, so a new commit only costs the new segment."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self.doc_count_all = reader.doc_count_all()
        self._lengths: dict[str, np.ndarray] = {}

    def lengths(self, fieldname: str) -> np.ndarray:
        found = self._lengths.get(fieldname)
        if found is None:
            found = np.ones(self.doc_count_all, dtype=np.float64)
            perdoc = getattr(self.reader, "_perdoc", None)
            column = None
            if perdoc is not None and hasattr(perdoc, "_cached_reader"):
                column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if column is not None and hasattr(column, "_dbfile"):
                raw = np.frombuffer(
                    column._dbfile.get(column._basepos, column._count), dtype=np.uint8
                )
                values = _BYTE_TO_LENGTH[raw]
                found[: len(values)] = np.maximum(values, 1.0)
            else:  # another codec: ask document by document, once
                for docnum in range(self.doc_count_all):
                    found[docnum] = self.reader.doc_field_length(docnum, fieldname, 1) or 1
            self._lengths[fieldname] = found
        return found


def _union(parts: list[Hits]) -> Hits:
    parts = [p for p in parts if len(p)]
    if not parts:
        return Hits.empty()
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p.ids for p in parts])
    scores = np.concatenate([p.scores for p in parts])
    unique, inverse = np.unique(ids, return_inverse=True)
    return Hits(unique, np.bincount(inverse, weights=scores, minlength=len(unique)))


def _intersect(a: Hits, b: Hits) -> Hits:
    common, ia, ib = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
    return Hits(common, a.scores[ia] + b.scores[ib])


def _minus(a: Hits, b: Hits) -> Hits:
    keep = ~np.isin(a.ids, b.ids, assume_unique=True)
    return Hits(a.ids[keep], a.scores[keep])


class SetEvaluator:
    """Evaluates one query for one searcher, limited to ``visible`` documents."""

    B = 0.75
    K1 = 1.2

    def __init__(
        self,
        searcher,
        visible: np.ndarray | None,
        columns_for: Callable[[object], SegmentColumns],
        *,
        pair_fields: dict[str, str] | None = None,
        match_fields: dict[str, str] | None = None,
        pair_separator: str = "-",
    ) -> None:
        self.pair_fields = pair_fields or {}
        self.match_fields = match_fields or {}
        self.pair_separator = pair_separator
        self.searcher = searcher
        self.schema = searcher.schema
        self.visible = visible
        self.leaves = []
        for leaf, offset in sorted(searcher.leaf_searchers(), key=lambda x: x[1]):
            reader = leaf.reader()
            count = reader.doc_count_all()
            local = None
            mask = None
            if visible is not None:
                lo, hi = np.searchsorted(visible, [offset, offset + count])
                local = visible[lo:hi] - offset
                mask = np.zeros(count, dtype=bool)
                mask[local] = True
            self.leaves.append((reader, offset, local, mask, columns_for(reader)))
        self.scored = isinstance(searcher.weighting, BM25F)

    # -- leaves ---------------------------------------------------------------------------

    def _postings(self, reader, fieldname: str, text, local: np.ndarray | None):
        """Ids and weights of one term in one segment, skipping blocks without a visible
        document."""
        try:
            matcher = reader.postings(fieldname, text)
        except TermNotFound:
            return None
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child  # deleted documents are never in the visible set
        ids: list[int] = []
        weights: list[float] = []
        if type(matcher) is W3LeafMatcher:
            searchsorted = np.searchsorted
            n_local = len(local) if local is not None else 0
            previous_max = -1
            while matcher.is_active():
                block_max = matcher._maxid
                if local is not None:
                    i = int(searchsorted(local, previous_max, side="right"))
                    if i >= n_local:
                        break
                    if local[i] > block_max:
                        previous_max = block_max
                        matcher._next_block()
                        continue
                matcher._read_ids()
                matcher._read_weights()
                ids.extend(matcher._ids)
                weights.extend(matcher._weights)
                previous_max = block_max
                matcher._next_block()
        else:  # another codec or a wrapped matcher: the generic way
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                matcher.next()
        if not ids:
            return None
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)

    def term(self, fieldname: str, text, boost: float = 1.0) -> Hits:
        if fieldname not in self.schema:
            return Hits.empty()
        # a positions-free copy of the field has the same postings, weights and lengths
        fieldname = self._match_field(fieldname)
        field = self.schema[fieldname]
        scorable = self.scored and field.scorable
        idf = avgfl = None
        parts_ids, parts_scores = [], []
        for reader, offset, local, mask, columns in self.leaves:
            found = self._postings(reader, fieldname, text, local)
            if found is None:
                continue
            ids, weights = found
            if mask is not None:
                keep = mask[ids]
                ids, weights = ids[keep], weights[keep]
            if not len(ids):
                continue
            if scorable:
                if idf is None:
                    idf = self.searcher.idf(fieldname, text)
                    avgfl = self.searcher.avg_field_length(fieldname) or 1
                dl = columns.lengths(fieldname)[ids]
                scores = idf * (
                    (weights * (self.K1 + 1))
                    / (weights + self.K1 * ((1 - self.B) + self.B * dl / avgfl))
                )
            else:
                scores = weights
            parts_ids.append(ids + offset)
            parts_scores.append(scores * boost)
        if not parts_ids:
            return Hits.empty()
        return Hits(np.concatenate(parts_ids), np.concatenate(parts_scores))

    def _match_field(self, fieldname: str) -> str:
        copy = self.match_fields.get(fieldname)
        return copy if copy in self.schema else fieldname

    # -- the tree -------------------------------------------------------------------------

    def everything(self) -> Hits:
        if self.visible is None:
            ids = np.array(sorted(self.searcher.docs_for_query(wq.Every())), dtype=np.int64)
        else:
            ids = self.visible
        return Hits(ids, np.zeros(len(ids)))

    def run(self, q: wq.Query) -> Hits:
        boost = getattr(q, "boost", 1.0) or 1.0
        kind = type(q)
        if q is wq.NullQuery or kind is type(wq.NullQuery):
            return Hits.empty()
        if kind is wq.Every:
            return self.everything()
        if isinstance(q, DocSetQuery):
            ids = q.docnums
            if self.visible is not None:
                ids = np.intersect1d(ids, self.visible, assume_unique=True)
            return Hits(ids, np.zeros(len(ids)))
        if kind is wq.Term:
            return self.term(q.fieldname, q.text, boost)
        if kind is wq.And:
            return self._scale(self._and([self.run(c) for c in q.subqueries]), boost)
        if kind in (wq.Or, wq.DefaultOr) and not getattr(q, "scale", None):
            return self._scale(_union([self.run(c) for c in q.subqueries]), boost)
        if kind is wq.AndNot:
            return self._scale(_minus(self.run(q.a), self.run(q.b)), boost)
        if kind is wq.Not:
            return _minus(self.everything(), self.run(q.query))
        if kind is wq.Require:
            a, b = self.run(q.a), self.run(q.b)
            kept = _intersect(a, Hits(b.ids, np.zeros(len(b))))
            return self._scale(kept, boost)
        if kind is wq.AndMaybe:
            a, b = self.run(q.a), self.run(q.b)
            extra = _intersect(Hits(a.ids, np.zeros(len(a))), b)
            return self._scale(_union([a, extra]), boost)
        if kind is wq.Phrase:
            return self._phrase(q, boost)
        if isinstance(q, wq.MultiTerm):
            return self._expanded(q, boost)
        if isinstance(q, (wq.NumericRange, wq.DateRange)):
            simpler = q.simplify(self.searcher.reader())
            if simpler is not q and not isinstance(simpler, type(q)):
                return self.run(simpler)
        return self._by_whoosh(q)

    def _expanded(self, q: wq.MultiTerm, boost: float) -> Hits:
        """Prefix, wildcard, fuzzy and term ranges: the union of the words they expand to;
        constant-scoring ones (Whoosh's default) score their boost, as in Whoosh."""
        fieldname = q.field()
        if fieldname not in self.schema:
            return Hits.empty()
        field = self.schema[fieldname]
        texts = {
            field.from_bytes(t) if isinstance(t, bytes) else t
            for t in q._btexts(self.searcher.reader())
        }
        hits = _union([self.term(fieldname, t) for t in sorted(texts)])
        if getattr(q, "constantscore", False):
            return Hits(hits.ids, np.full(len(hits), float(boost)))
        return self._scale(hits, boost)

    @staticmethod
    def _scale(hits: Hits, boost: float) -> Hits:
        return hits if boost == 1.0 else Hits(hits.ids, hits.scores * boost)

    @staticmethod
    def _and(parts: list[Hits]) -> Hits:
        if not parts:
            return Hits.empty()
        parts.sort(key=len)
        result = parts[0]
        for part in parts[1:]:
            if not len(result):
                break
            result = _intersect(result, part)
        return result

    def _phrase(self, q: wq.Phrase, boost: float) -> Hits:
        """With a word-pair field: a two-word phrase is one lookup; a longer one needs
        every adjacent pair, and the position check confirms only those documents. Without:
        the documents holding every word, confirmed by the position check."""
        pair_field = self.pair_fields.get(q.fieldname)
        words = list(q.words)
        if pair_field in self.schema and q.slop == 1 and len(words) >= 2:
            sep = self.pair_separator
            pairs = [f"{a}{sep}{b}" for a, b in zip(words, words[1:], strict=False)]
            candidates = self._and([self.term(pair_field, p) for p in pairs])
            if len(words) == 2:
                return self._scale(candidates, boost)
        else:
            candidates = self._and([self.term(q.fieldname, w) for w in words])
        if not len(candidates) or len(words) < 2:
            return self._scale(candidates, boost)
        if q.slop == 1 and self.schema[q.fieldname].format.supports("positions"):
            keep = self._adjacent(q.fieldname, words, candidates.ids)
        else:
            restricted = wq.And([DocSetQuery(candidates.ids), q])
            confirmed = np.array(sorted(self.searcher.docs_for_query(restricted)), dtype=np.int64)
            keep = np.isin(candidates.ids, confirmed, assume_unique=True)
        return Hits(candidates.ids[keep], candidates.scores[keep] * boost)

    def _adjacent(self, fieldname: str, words: list, candidates: np.ndarray) -> np.ndarray:
        """Which candidates hold ``words`` at consecutive positions. Visits only the
        candidates (Whoosh's phrase matcher walks every document holding all the words)."""
        keep = np.zeros(len(candidates), dtype=bool)
        for reader, offset, _local, _mask, _columns in self.leaves:
            lo, hi = np.searchsorted(candidates, [offset, offset + reader.doc_count_all()])
            if lo == hi:
                continue
            try:
                matchers = [reader.postings(fieldname, w) for w in words]
            except TermNotFound:
                continue
            for index in range(lo, hi):
                docnum = int(candidates[index]) - offset
                starts: set[int] | None = None
                for shift, matcher in enumerate(matchers):
                    if not matcher.is_active():
                        starts = set()
                        break
                    matcher.skip_to(docnum)
                    if not matcher.is_active() or matcher.id() != docnum:
                        starts = set()
                        break
                    here = {p - shift for p in matcher.value_as("positions")}
                    starts = here if starts is None else starts & here
                    if not starts:
                        break
                keep[index] = bool(starts)
        return keep

    def _by_whoosh(self, q: wq.Query) -> Hits:
        target = q if self.visible is None else wq.And([DocSetQuery(self.visible), q])
        ids = np.array(sorted(self.searcher.docs_for_query(target)), dtype=np.int64)
        return Hits(ids, np.zeros(len(ids)))
