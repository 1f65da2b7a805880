"""The Whoosh backend (``whoosh-reloaded``): one index for zaken, documents and persons.

Layout under ``index_dir``::

    CURRENT          name of the live generation, replaced atomically (os.replace)
    write.lock       fcntl lock: one writer at a time across threads and processes
    gen-<stamp>-<id> one complete Whoosh index each; rebuild writes a new one

Access filtering is part of the Whoosh query. Every item carries, per zaak it belongs to
(``ZaakLink``) with required level ``m = max(zaak level, item level)``, the tokens
``a<afdeling id>_<c>`` and ``z<zaak id>_<c>`` for every clearance rank ``c >= m``. A user
with membership (afdeling A, clearance C) matches ``a<A>_<C>``; a grant on zaak Z with
clearance C matches ``z<Z>_<C>``. The item is visible exactly when one of those terms is
present: some zaak of the item is reached by a membership or grant whose clearance covers
both the zaak and the item. The filter is an OR of one term per membership and grant,
evaluated once per searcher and user into the set of visible docnums; every query is
evaluated inside that set (``search.whoosh_sets``) — no post-filtering, so totals and facets
are exact.

``afdeling:`` and ``zaaktype:`` depend on the zaken, and a document or person can be in
zaken the user does not see; those filters are rewritten per user into the same kind of
tokens prefixed with the value (``riec|a12_5``), so they only ever match through zaken the
user may see. Facets for afdeling and zaaktype count only such visible zaken too.

Writers: an ``fcntl.flock`` on ``write.lock`` queues writers from every thread and process
(Whoosh's own lock would make the second writer fail instead of wait); Whoosh's lock stays
in place underneath as a second guard.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
from whoosh import fields, highlight, index, qparser
from whoosh import query as wq
from whoosh.analysis import (
    BiWordFilter,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
)
from whoosh.support.charset import accent_map

from search.backend import (
    HIT_END,
    HIT_START,
    LEVELS,
    CatchUp,
    Gezondheid,
    IndexDocument,
    IndexMissing,
    Progress,
    Rechten,
    Treffer,
    Zoekresultaat,
    Zoekvraag,
    rank,
    segments,
)
from search.whoosh_sets import SegmentColumns, SetEvaluator

log = logging.getLogger(__name__)

SCHEMA_VERSION = "2"  # 2: word pairs for phrases; meta carries the date (for sorting)
VERSION_FILE = "dossierhuis-schema"
CURRENT = "CURRENT"
LOCK_FILE = "write.lock"
MAX_TOP = len(LEVELS) - 1
STORED_TEXT_CHARS = 20_000  # enough for snippets; the whole text is indexed
_HIT_START, _HIT_END = HIT_START, HIT_END
PAIR_SEPARATOR = "-"  # the tokenizer never yields it inside a word
PAIR_FIELDS = {"tekst": "tekst_paren"}  # phrases on tekst use its word pairs
# words of tekst are matched in a copy without positions: its posting blocks are several
# times smaller to read; tekst keeps the positions for phrase checks and highlighting
MATCH_FIELDS = {"tekst": "tekst_woorden"}


def dutch_analyzer():
    """Words, lower case, accents folded (één → een, café → cafe) and Snowball Dutch
    stemming (woningen → woning). No stop words: with several search fields a stop word
    would still have to match in some other field, so "de woning" would find nothing."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StemFilter(lang="nl")


def word_pair_analyzer():
    """Adjacent word pairs of the Dutch analysis ("zorg en veilig" → "zorg-en",
    "en-veilig"): a two-word phrase is one term lookup instead of a position check in every
    document holding both words; a longer phrase needs that check only on the documents
    holding all its pairs (``search.whoosh_sets``). Pairs, not triples too: triples made
    the index four times larger and indexing 2.5 times slower (BENCHMARKS.md)."""
    return dutch_analyzer() | BiWordFilter(sep=PAIR_SEPARATOR)


def name_analyzer():
    """Names are not stemmed (Jansen is not Jans) but are folded (Ünal = Unal)."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def filename_analyzer():
    return RegexTokenizer(r"[^\W_]+") | LowercaseFilter() | CharsetFilter(accent_map)


def make_schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        type=fields.ID(stored=True),
        object_id=fields.STORED(),
        identificatie=fields.KEYWORD(stored=True, lowercase=True, scorable=True, field_boost=20.0),
        titel=fields.TEXT(analyzer=dutch_analyzer(), stored=True, field_boost=3.0),
        tekst=fields.TEXT(analyzer=dutch_analyzer(), stored=True),
        tekst_woorden=fields.TEXT(analyzer=dutch_analyzer(), phrase=False),
        tekst_paren=fields.TEXT(analyzer=word_pair_analyzer(), phrase=False),
        namen=fields.TEXT(analyzer=name_analyzer(), field_boost=4.0),
        bsn=fields.KEYWORD(scorable=True, field_boost=20.0),
        kvk=fields.KEYWORD(scorable=True, field_boost=20.0),
        kenmerken=fields.KEYWORD(lowercase=True, scorable=True, field_boost=10.0),
        bestandsnaam=fields.TEXT(analyzer=filename_analyzer(), field_boost=2.0),
        informatieobjecttype=fields.KEYWORD(lowercase=True, commas=True),
        status=fields.KEYWORD(lowercase=True, commas=True),
        jaar=fields.NUMERIC(int),
        datum=fields.DATETIME(stored=True, sortable=True),
        geboortedatum=fields.DATETIME(),
        # access: see the module docstring
        acl=fields.KEYWORD(),
        afdeling_acl=fields.KEYWORD(lowercase=True, commas=True),
        zaaktype_acl=fields.KEYWORD(lowercase=True, commas=True),
        # query-language names for the two zaak-dependent filters; never indexed, the
        # parsed terms are rewritten per user into *_acl terms (so they cannot leak)
        afdeling=fields.KEYWORD(lowercase=True, commas=True),
        zaaktype=fields.KEYWORD(lowercase=True, commas=True),
        # per item: [jaar, informatieobjecttype, [[zaak, afdeling id, code, zaaktype, m]],
        #            datum as a day number]
        meta=fields.COLUMN(),
    )


def _clean(value: str) -> str:
    """Values of comma-separated keyword fields: no commas, single spaces."""
    return " ".join((value or "").replace(",", " ").split())


def _as_datetime(value: date | None) -> datetime | None:
    if value is None:
        return None
    return datetime(value.year, value.month, value.day)


def _fields_for(doc: IndexDocument) -> dict:
    """The Whoosh document for one item, access tokens included."""
    acl: list[str] = []
    afdeling_acl: list[str] = []
    zaaktype_acl: list[str] = []
    meta_links = []
    for link in doc.links:
        m = max(link.niveau, doc.niveau)
        code, zaaktype = _clean(link.afdeling), _clean(link.zaaktype)
        meta_links.append([link.zaak_id, link.afdeling_id, code, zaaktype, m])
        for c in range(m, MAX_TOP + 1):
            for path in (f"a{link.afdeling_id}_{c}", f"z{link.zaak_id}_{c}"):
                acl.append(path)
                afdeling_acl.append(f"{code}|{path}")
                zaaktype_acl.append(f"{zaaktype}|{path}")
    tekst = (doc.tekst or "").replace(_HIT_START, " ").replace(_HIT_END, " ")
    meta = [
        doc.datum.year if doc.datum and doc.type != "persoon" else None,
        doc.informatieobjecttype or None,
        meta_links,
        doc.datum.toordinal() if doc.datum else None,
    ]
    result = {
        "key": doc.key,
        "type": doc.type,
        "object_id": doc.object_id,
        "identificatie": doc.identificatie,
        "titel": doc.titel,
        "tekst": tekst,
        "tekst_woorden": tekst,
        "tekst_paren": tekst,
        "_stored_tekst": tekst[:STORED_TEXT_CHARS],
        "namen": " ".join(doc.namen),
        "bsn": " ".join(doc.bsn),
        "kvk": " ".join(doc.kvk),
        "kenmerken": " ".join(doc.kenmerken),
        "bestandsnaam": doc.bestandsnaam,
        "informatieobjecttype": _clean(doc.informatieobjecttype),
        "status": _clean(doc.status),
        "acl": " ".join(dict.fromkeys(acl)),
        "afdeling_acl": ",".join(dict.fromkeys(afdeling_acl)),
        "zaaktype_acl": ",".join(dict.fromkeys(zaaktype_acl)),
        "meta": json.dumps(meta, separators=(",", ":")).encode(),
    }
    if meta[0] is not None:
        result["jaar"] = meta[0]
    if doc.datum is not None:
        result["datum"] = _as_datetime(doc.datum)
    if doc.geboortedatum is not None:
        result["geboortedatum"] = _as_datetime(doc.geboortedatum)
    return {k: v for k, v in result.items() if v not in ("", None)}


class _SegmentFormatter(highlight.Formatter):
    """Marks hits with control characters; split into (text, hit) segments afterwards."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return f"{_HIT_START}{highlight.get_text(text, token, replace)}{_HIT_END}"


class WhooshBackend:
    """The Whoosh implementation of :class:`search.backend.SearchBackend`."""

    SEARCH_FIELDS = (
        "titel",
        "tekst",
        "namen",
        "identificatie",
        "bsn",
        "kvk",
        "kenmerken",
        "bestandsnaam",
    )

    def __init__(self, index_dir: Path | str, *, lock_timeout: float = 600.0) -> None:
        self.root = Path(index_dir)
        self.lock_timeout = lock_timeout
        self.schema = make_schema()
        self._thread_lock = threading.RLock()
        self._local = threading.local()
        self._indexes: dict[str, index.Index] = {}
        # per segment (immutable): field lengths and facet arrays; see _columns_for
        self._segment_cache: dict[tuple[str, str], object] = {}
        self._vocabulary = _Vocabulary()
        self._parser = self._make_parser()

    @property
    def location(self) -> str:
        """Where the index lives (for status lines and logs)."""
        return str(self.root)

    # -- layout ---------------------------------------------------------------------------

    def _current_name(self) -> str | None:
        try:
            name = (self.root / CURRENT).read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def _open(self, name: str) -> index.Index:
        with self._thread_lock:
            ix = self._indexes.get(name)
            if ix is None:
                path = self.root / name
                if not index.exists_in(str(path)):
                    raise IndexMissing(f"zoekindex {name} ontbreekt")
                ix = index.open_dir(str(path))
                self._indexes = {name: ix}  # older generations are no longer needed
                self._segment_cache.clear()
            return ix

    def _current(self) -> tuple[str, index.Index]:
        name = self._current_name()
        if name is None:
            raise IndexMissing("er is nog geen zoekindex")
        return name, self._open(name)

    def _new_generation(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        path = self.root / name
        path.mkdir()
        index.create_in(str(path), self.schema)
        (path / VERSION_FILE).write_text(SCHEMA_VERSION)
        return name

    def _switch(self, name: str) -> None:
        """Point CURRENT at ``name`` atomically and remove generations older than the
        previous one (a searcher elsewhere may still hold the previous one open)."""
        previous = self._current_name()
        tmp = self.root / f".{CURRENT}.{uuid.uuid4().hex}"
        with open(tmp, "w") as fh:
            fh.write(name)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / CURRENT)
        dir_fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        keep = {name, previous}
        for entry in self.root.glob("gen-*"):
            if entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """One writer at a time: threads and processes queue on an fcntl lock."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self._thread_lock, open(self.root / LOCK_FILE, "a+") as fh:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError("zoekindex: schrijfslot niet gekregen") from None
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # -- writing --------------------------------------------------------------------------

    def _write(self, ix: index.Index, docs: Iterable[IndexDocument], keys: Iterable[str]) -> int:
        writer = ix.writer(timeout=30.0)
        count = 0
        # one version per key: update_document does not replace a document added by the
        # same writer, so a key given twice would stay in the index twice
        docs = list({doc.key: doc for doc in docs}.values())
        try:
            for key in keys:
                writer.delete_by_term("key", key)
                count += 1
            for doc in docs:
                writer.update_document(**_fields_for(doc))
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def index(self, docs: Iterable[IndexDocument]) -> int:
        docs = list(docs)
        if not docs:
            return 0
        with self.write_lock():
            _name, ix = self._current()
            return self._write(ix, docs, ())

    def remove(self, keys: Iterable[str]) -> int:
        keys = list(keys)
        if not keys:
            return 0
        with self.write_lock():
            _name, ix = self._current()
            return self._write(ix, (), keys)

    def apply(self, docs: Iterable[IndexDocument], remove: Iterable[str]) -> int:
        """Index and remove in one commit (what the worker does per batch)."""
        docs, remove = list(docs), list(remove)
        if not docs and not remove:
            return 0
        with self.write_lock():
            _name, ix = self._current()
            return self._write(ix, docs, remove)

    def rebuild(
        self,
        docs: Iterable[IndexDocument],
        progress: Progress | None = None,
        catch_up: CatchUp | None = None,
    ) -> int:
        name = self._new_generation()
        ix = index.open_dir(str(self.root / name))
        writer = ix.writer(limitmb=256)
        count = 0
        try:
            for doc in docs:
                writer.add_document(**_fields_for(doc))
                count += 1
                if progress is not None and count % 500 == 0:
                    progress(count)
            writer.commit(merge=False)
        except BaseException:
            writer.cancel()
            ix.close()
            shutil.rmtree(self.root / name, ignore_errors=True)
            raise
        if progress is not None:
            progress(count)
        with self.write_lock():
            if catch_up is not None:
                more, gone = catch_up()
                self._write(ix, list(more), list(gone))
            ix.close()
            self._switch(name)
        log.info("zoekindex opnieuw opgebouwd: generatie %s, %d items", name, count)
        return count

    def destroy(self) -> None:
        """Remove the whole index directory (tests, and ``reindex --clean``)."""
        with self._thread_lock:
            self._indexes.clear()
            self._segment_cache.clear()
            shutil.rmtree(self.root, ignore_errors=True)

    # -- health ---------------------------------------------------------------------------

    def health(self) -> Gezondheid:
        name = self._current_name()
        if name is None:
            return Gezondheid("missing", "geen CURRENT-verwijzing")
        path = self.root / name
        if not path.is_dir():
            return Gezondheid("missing", f"map {name} ontbreekt")
        try:
            version = (path / VERSION_FILE).read_text().strip()
        except FileNotFoundError:
            return Gezondheid("corrupt", "schemaversie ontbreekt")
        if version != SCHEMA_VERSION:
            return Gezondheid("corrupt", f"schemaversie {version}, verwacht {SCHEMA_VERSION}")
        # Whoosh leaves the table-of-contents file open when it cannot parse it; that file
        # is closed when the exception is dropped, so that happens inside this block (with
        # its ResourceWarning silenced) rather than as a warning at some random later GC.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                with self._thread_lock:
                    self._indexes.pop(name, None)
                ix = self._open(name)
                with ix.searcher() as searcher:
                    total = searcher.doc_count()
                    for leaf, _offset in searcher.leaf_searchers():
                        reader = leaf.reader()
                        if reader.has_column("meta"):
                            column = reader.column_reader("meta")
                            if len(column):
                                json.loads(column[0] or b"null")
                    searcher.search(wq.Every(), limit=1)
            except Exception as exc:  # any failure to read means: rebuild
                detail = f"{type(exc).__name__}: {exc}"
            else:
                return Gezondheid("ok", name, total)
            with self._thread_lock:
                self._indexes.pop(name, None)
            gc.collect()
        return Gezondheid("corrupt", detail)

    def all_keys(self) -> set[str]:
        with self._searcher() as searcher:
            reader = searcher.reader()
            return {reader.stored_fields(d)["key"] for d in reader.all_doc_ids()}

    def linked_keys(self, zaak_ids: Iterable[int]) -> set[str]:
        """Keys of every item that belongs to one of these zaken according to the index
        (every linked item carries ``z<id>_<top level>``), also after the zaak is gone."""
        terms = [wq.Term("acl", f"z{int(z)}_{MAX_TOP}") for z in zaak_ids]
        if not terms:
            return set()
        with self._searcher() as searcher:
            return {searcher.stored_fields(d)["key"] for d in searcher.docs_for_query(wq.Or(terms))}

    # -- searching ------------------------------------------------------------------------

    def _make_parser(self) -> qparser.MultifieldParser:
        parser = qparser.MultifieldParser(
            list(self.SEARCH_FIELDS), self.schema, group=qparser.AndGroup
        )
        parser.remove_plugin_class(qparser.OperatorsPlugin)
        parser.add_plugin(
            qparser.OperatorsPlugin(
                And=r"(?<=\s)(AND|EN)(?=\s)",
                Or=r"(?<=\s)(OR|OF)(?=\s)",
                AndNot=r"(?<=\s)ANDNOT(?=\s)",
                Not=r"(^|(?<=(\s|[()])))(NOT|NIET)(?=\s)",
            )
        )
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.add_plugin(qparser.GtLtPlugin())
        parser.add_plugin(
            qparser.FieldAliasPlugin(
                {
                    "informatieobjecttype": ["doctype", "documenttype"],
                    "namen": ["naam", "persoon"],
                    "datum": ["date"],
                }
            )
        )
        return parser

    @contextlib.contextmanager
    def _searcher(self):
        """A per-thread searcher on the current generation, refreshed when it changed."""
        name, ix = self._current()
        cached = getattr(self._local, "searcher", None)
        if cached is not None and cached[0] == name:
            searcher = cached[1]
            if not searcher.up_to_date():
                # not searcher.refresh(): it reuses segment readers with their old
                # deletion sets (removed items would stay visible) and fails on an
                # empty index
                searcher.close()
                searcher = ix.searcher()
        else:
            if cached is not None:
                with contextlib.suppress(Exception):
                    cached[1].close()
            searcher = ix.searcher()
        self._local.searcher = (name, searcher)
        yield searcher

    def _facet_columns(self, searcher) -> _FacetColumns:
        """The ``meta`` column of every docnum of ``searcher`` as arrays, parsed once per
        segment (segments are immutable) and joined once per searcher."""
        cached = getattr(self._local, "facets", None)
        if cached is not None and cached[0] is searcher:
            return cached[1]
        parts = []
        live = set()
        for leaf, offset in sorted(searcher.leaf_searchers(), key=lambda x: x[1]):
            reader = leaf.reader()
            segment = reader.segment() if hasattr(reader, "segment") else None
            key = ("facets", segment.segment_id() if segment is not None else f"anon{offset}")
            live.add(key)
            found = self._segment_cache.get(key)
            if found is None:
                values = []
                if reader.has_column("meta"):
                    column = reader.column_reader("meta")
                    values = [json.loads(raw) if raw else None for raw in column]
                values += [None] * (reader.doc_count_all() - len(values))
                found = self._segment_cache[key] = _FacetColumns.of(values, self._vocabulary)
            parts.append((offset, found))
        for stale in [k for k in self._segment_cache if k[0] == "facets" and k not in live]:
            self._segment_cache.pop(stale, None)
        joined = _FacetColumns.join(parts)
        self._local.facets = (searcher, joined)
        return joined

    def _columns_for(self, reader) -> SegmentColumns:
        """Per-segment arrays (field lengths), cached while the segment lives."""
        segment = reader.segment() if hasattr(reader, "segment") else None
        if segment is None:
            return SegmentColumns(reader)
        key = ("columns", segment.segment_id())
        found = self._segment_cache.get(key)
        if found is None or found.reader is not reader:
            found = self._segment_cache[key] = SegmentColumns(reader)
        return found

    def _visible(self, searcher, paths: list[str]) -> np.ndarray:
        """The user's visible items in this searcher (sorted docnums), cached per searcher
        (an index change opens a new searcher, which empties the cache)."""
        cache = getattr(self._local, "visible", None)
        if cache is None or cache[0] is not searcher:
            cache = (searcher, {})
            self._local.visible = cache
        token = tuple(sorted(paths))
        found = cache[1].get(token)
        if found is None:
            if len(cache[1]) >= 32:
                cache[1].clear()
            evaluator = SetEvaluator(searcher, None, self._columns_for)
            hits = evaluator.run(self.acl_query_for(paths))
            deleted = [
                offset + d
                for leaf, offset in searcher.leaf_searchers()
                for d in (getattr(leaf.reader(), "deleted_docs_set", None) or ())
            ]
            ids = hits.ids
            if deleted:
                ids = np.setdiff1d(ids, np.array(deleted, dtype=np.int64), assume_unique=True)
            found = cache[1][token] = ids
        return found

    def acl_query_for(self, paths: list[str]) -> wq.Query:
        return wq.Or([wq.Term("acl", p) for p in paths]) if paths else wq.NullQuery

    @staticmethod
    def _paths(rechten: Rechten) -> list[str]:
        paths = [f"a{afd}_{rank(c)}" for afd, (_rol, c) in rechten.afdelingen.items()]
        paths += [f"z{zaak}_{rank(c)}" for zaak, (_rol, c) in rechten.zaken.items()]
        return paths

    def _zaak_filter(self, fieldname: str, value: str, paths: list[str]) -> wq.Query:
        value = _clean(value).lower()
        terms = [wq.Term(f"{fieldname}_acl", f"{value}|{p}") for p in paths]
        return wq.Or(terms) if terms else wq.NullQuery

    def _rewrite(self, q: wq.Query, paths: list[str]) -> wq.Query:
        """Replace afdeling:/zaaktype: terms with their access-bound form; any other query
        on those fields (prefix, range) matches nothing rather than leak."""
        if isinstance(q, wq.Term) and q.fieldname in ("afdeling", "zaaktype"):
            return self._zaak_filter(q.fieldname, q.text, paths)
        if isinstance(q, wq.Phrase) and not self.schema[q.fieldname].format.supports("positions"):
            # a quoted id ("ZAAK-2024-0000001") on an exact field is one term
            if len(q.words) == 1:
                return self._rewrite(wq.Term(q.fieldname, q.words[0]), paths)
            return wq.NullQuery
        if q.is_leaf():
            if getattr(q, "fieldname", None) in ("afdeling", "zaaktype"):
                return wq.NullQuery
            return q
        return q.apply(lambda child: self._rewrite(child, paths))

    def parse(self, text: str, rechten: Rechten) -> wq.Query:
        text = (text or "").strip()
        if not text:
            return wq.Every()
        parsed = self._parser.parse(text)
        words = text.split()
        plain = all(
            w.isalpha() and w.upper() not in ("AND", "OR", "NOT", "EN", "OF", "NIET") for w in words
        )
        if plain and len(words) <= 4:
            # automatic fuzzy matching on person names: Jansen finds Janssen, Jansens
            fuzzy = wq.And(
                [
                    wq.FuzzyTerm("namen", w.lower(), boost=0.5, maxdist=1, prefixlength=2)
                    for w in words
                ]
            )
            parsed = wq.Or([parsed, fuzzy])
        return self._rewrite(parsed, self._paths(rechten))

    def _structured(self, vraag: Zoekvraag, paths: list[str]) -> list[wq.Query]:
        out: list[wq.Query] = []
        if vraag.types:
            out.append(wq.Or([wq.Term("type", t) for t in vraag.types]))
        if vraag.afdeling:
            out.append(wq.Or([self._zaak_filter("afdeling", v, paths) for v in vraag.afdeling]))
        if vraag.zaaktype:
            out.append(wq.Or([self._zaak_filter("zaaktype", v, paths) for v in vraag.zaaktype]))
        if vraag.jaar:
            out.append(wq.Or([wq.Term("jaar", int(j)) for j in vraag.jaar]))
        if vraag.informatieobjecttype:
            out.append(
                wq.Or(
                    [
                        wq.Term("informatieobjecttype", _clean(v).lower())
                        for v in vraag.informatieobjecttype
                    ]
                )
            )
        if vraag.van or vraag.tot:
            out.append(wq.DateRange("datum", _as_datetime(vraag.van), _as_datetime(vraag.tot)))
        return out

    def search(self, query: Zoekvraag, rechten: Rechten) -> Zoekresultaat:
        page = max(1, query.page)
        per_page = max(1, min(query.per_page, 100))
        paths = self._paths(rechten)
        empty = Zoekresultaat([], 0, page, per_page, {})
        try:
            user_q = self.parse(query.q, rechten)
        except Exception as exc:
            empty.fout = f"De zoekvraag is niet te begrijpen: {exc}"
            return empty
        if not paths:
            with self._searcher():  # still raise IndexMissing when there is no index
                return empty
        structured = self._structured(query, paths)
        with self._searcher() as searcher:
            visible = self._visible(searcher, paths)
            evaluator = SetEvaluator(
                searcher,
                visible,
                self._columns_for,
                pair_fields=PAIR_FIELDS,
                match_fields=MATCH_FIELDS,
                pair_separator=PAIR_SEPARATOR,
            )
            parts = structured if isinstance(user_q, wq.Every) else [user_q, *structured]
            matched = evaluator.run(wq.And(parts)) if parts else evaluator.everything()
            total = len(matched)
            columns = self._facet_columns(searcher)
            facets = self._facets(columns, matched.ids, rechten) if query.facets else {}
            if not total or (page - 1) * per_page >= total:
                return Zoekresultaat([], total, page, per_page, facets)
            if query.sort == "date" or isinstance(user_q, wq.Every):
                # newest first; equal dates by relevance, then docnum (a stable page order)
                order = np.lexsort((matched.ids, -matched.scores, -columns.datum[matched.ids]))
            else:
                order = np.lexsort((matched.ids, -matched.scores))
            chosen = order[(page - 1) * per_page : page * per_page]
            terms = self._highlight_terms(user_q)
            hits = [
                self._hit(searcher.stored_fields(int(matched.ids[i])), matched.scores[i], terms)
                for i in chosen
            ]
        return Zoekresultaat(hits, total, page, per_page, facets)

    @staticmethod
    def _highlight_terms(q: wq.Query) -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = {"titel": set(), "tekst": set()}
        for fieldname, text in q.all_terms(phrases=True):
            if fieldname in out and isinstance(text, str):
                out[fieldname].add(text)
        return {k: frozenset(v) for k, v in out.items()}

    def _snippet(self, text: str, terms: frozenset[str], *, whole: bool = False):
        """Highlight around the first matches only: analysing a whole long document for
        every hit would cost more than the search itself. Candidate places are found
        with a regular expression on the folded text, then Whoosh's own analyser (with
        stemming) decides what is a match."""
        if not text or not terms:
            return []
        if whole:
            window = text
        else:
            folded = text.translate(accent_map).lower()
            spots = []
            for term in sorted(terms):
                found = re.search(r"\b" + re.escape(term), folded)
                if found:
                    spots.append(found.start())
            if not spots:
                return []
            start = max(0, min(spots) - 80)
            window = text[start : start + 400]  # two fragments of 240 around the spot
        marked = highlight.highlight(
            window,
            terms,
            self.schema["tekst"].analyzer,
            # a title whole, also what precedes its first word ("(Concept) brief")
            highlight.WholeFragmenter()
            if whole
            else highlight.ContextFragmenter(maxchars=240, surround=60),
            _SegmentFormatter(),
            top=2,
        )
        return segments(marked) if marked else []

    def _hit(self, stored: dict, score: float, terms: dict[str, frozenset[str]]) -> Treffer:
        tekst = stored.get("tekst", "")
        titel = stored.get("titel", "")
        snippet = self._snippet(tekst, terms["tekst"]) or ([(tekst[:200], False)] if tekst else [])
        titel_segments = self._snippet(titel, terms["titel"], whole=True) or [(titel, False)]
        datum = stored.get("datum")
        return Treffer(
            key=stored["key"],
            type=stored["type"],
            object_id=stored["object_id"],
            identificatie=stored.get("identificatie", ""),
            titel=titel,
            snippet=snippet,
            score=float(score),
            datum=datum.date() if isinstance(datum, datetime) else datum,
            titel_segments=titel_segments,
        )

    def _facets(self, columns: _FacetColumns, matched: np.ndarray, rechten: Rechten) -> dict:
        """Counts over the matched docnums. An item in one zaak is visible through that
        zaak; only items in several zaken need a look at which of their zaken the user
        may see (afdeling and zaaktype count visible zaken only)."""
        names = self._vocabulary.names
        jaar = _count(columns.jaar[matched])
        iot = _count(columns.iot[matched])
        single = matched[columns.single[matched]]
        afdeling = _count(columns.afdeling[single])
        zaaktype = _count(columns.zaaktype[single])
        multi = matched[~columns.single[matched]]
        if len(multi):
            afd_rank = {a: rank(c) for a, (_r, c) in rechten.afdelingen.items()}
            zaak_rank = {z: rank(c) for z, (_r, c) in rechten.zaken.items()}
            for docnum in multi.tolist():
                links = columns.links.get(docnum)
                if not links:
                    continue
                codes, types = set(), set()
                for zaak_id, afd_id, code, zt, m in links:
                    if afd_rank.get(afd_id, -1) >= m or zaak_rank.get(zaak_id, -1) >= m:
                        codes.add(self._vocabulary.code(code))
                        types.add(self._vocabulary.code(zt))
                for c in codes:
                    afdeling[c] = afdeling.get(c, 0) + 1
                for t in types:
                    zaaktype[t] = zaaktype.get(t, 0) + 1

        def named(counts: dict[int, int]) -> dict[str, int]:
            pairs = sorted(((names[k], v) for k, v in counts.items()), key=lambda kv: -kv[1])
            return dict(pairs)

        return {
            "zaaktype": named(zaaktype),
            "afdeling": named(afdeling),
            "jaar": {str(k): v for k, v in sorted(jaar.items(), reverse=True)},
            "informatieobjecttype": named(iot),
        }


def _count(codes: np.ndarray) -> dict[int, int]:
    """How often each code (>= 0) occurs; -1 means: no value."""
    codes = codes[codes >= 0]
    if not len(codes):
        return {}
    values, counts = np.unique(codes, return_counts=True)
    return dict(zip(values.tolist(), counts.tolist(), strict=True))


class _Vocabulary:
    """Facet values as small integers, shared by all segments of a backend."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.names: list[str] = []
        self._lock = threading.Lock()

    def code(self, name: str) -> int:
        found = self.codes.get(name)
        if found is None:
            with self._lock:
                found = self.codes.get(name)
                if found is None:
                    found = self.codes[name] = len(self.names)
                    self.names.append(name)
        return found


@dataclass
class _FacetColumns:
    """Per docnum: jaar (-1: none), informatieobjecttype, and for items in exactly one zaak
    that zaak's afdeling and zaaktype (as vocabulary codes); items in several zaken keep
    their links for a per-user look. ``datum`` (days, for sorting) is -inf without date."""

    jaar: np.ndarray
    iot: np.ndarray
    afdeling: np.ndarray
    zaaktype: np.ndarray
    single: np.ndarray
    datum: np.ndarray
    links: dict[int, list]

    @classmethod
    def of(cls, values: list, vocabulary: _Vocabulary) -> _FacetColumns:
        n = len(values)
        jaar = np.full(n, -1, dtype=np.int32)
        iot = np.full(n, -1, dtype=np.int32)
        afdeling = np.full(n, -1, dtype=np.int32)
        zaaktype = np.full(n, -1, dtype=np.int32)
        single = np.zeros(n, dtype=bool)
        datum = np.full(n, -np.inf)
        links: dict[int, list] = {}
        for docnum, item in enumerate(values):
            if item is None:
                single[docnum] = True
                continue
            j, t, item_links = item[0], item[1], item[2]
            if j is not None:
                jaar[docnum] = j
            if t:
                iot[docnum] = vocabulary.code(t)
            if len(item) > 3 and item[3] is not None:
                datum[docnum] = item[3]
            if len(item_links) == 1:
                single[docnum] = True
                afdeling[docnum] = vocabulary.code(item_links[0][2])
                zaaktype[docnum] = vocabulary.code(item_links[0][3])
            else:
                links[docnum] = item_links
        return cls(jaar, iot, afdeling, zaaktype, single, datum, links)

    @classmethod
    def join(cls, parts: list[tuple[int, _FacetColumns]]) -> _FacetColumns:
        if len(parts) == 1 and parts[0][0] == 0:
            return parts[0][1]
        links: dict[int, list] = {}
        for offset, part in parts:
            links.update({offset + d: v for d, v in part.links.items()})
        return cls(
            *(np.concatenate([getattr(p, f) for _o, p in parts]) for f in _ARRAY_FIELDS),
            links,
        )


_ARRAY_FIELDS = ("jaar", "iot", "afdeling", "zaaktype", "single", "datum")
