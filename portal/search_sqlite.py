"""Wagtail's SQLite full-text backend with Russian stemming (the search on SQLite).

Wagtail's SQLite backend (FTS5) has no Russian stemmer: «собрание» would not find
«собрания». This backend stores the index's title, body and autocomplete text as stems
(``portal.russian.stems``) and reads every query term the same way, so both sides meet
at the stem, as PostgreSQL's ``russian`` configuration does on the production database.
Everything else — the FTS5 table, ranking, the filters of the searched queryset — is
Wagtail's. Set in the settings for SQLite only (portal/settings/base.py).
"""

from django.utils.functional import cached_property
from modelsearch.backends.database.sqlite.sqlite import (
    IndexEntry,
    ObjectIndexer,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from .russian import stems


class StemmedObjectIndexer(ObjectIndexer):
    @cached_property
    def title(self):
        return stems(super().title)

    @cached_property
    def body(self):
        return stems(super().body)

    @cached_property
    def autocomplete(self):
        return stems(super().autocomplete)


class StemmedIndex(SQLiteIndex):
    def add_items(self, model, objs):
        # SQLiteIndex.add_items with the stemming indexer: one update per row already
        # indexed, one bulk insert for the rest.
        if not model.get_search_fields():
            return
        indexers = [StemmedObjectIndexer(obj, self.backend) for obj in objs]
        if not indexers:
            return
        content_type_pk = get_content_type_pk(model)
        data = {i.id: (i.title, i.autocomplete, i.body) for i in indexers}
        entries = self.entries.filter(content_type_id=content_type_pk)
        indexed = set(entries.filter(object_id__in=data).values_list("object_id", flat=True))
        for object_id in indexed:
            title, autocomplete, body = data[object_id]
            entries.filter(object_id=object_id).update(
                title=title, autocomplete=autocomplete, body=body)
        self.entries.bulk_create([
            IndexEntry(content_type_id=content_type_pk, object_id=object_id, title=title,
                       autocomplete=autocomplete, body=body)
            for object_id, (title, autocomplete, body) in data.items()
            if object_id not in indexed
        ])
        self._refresh_title_norms()


class StemmedQueryCompiler(SQLiteSearchQueryCompiler):
    def build_search_query_content(self, query, config=None):
        if isinstance(query, PlainText):
            query = PlainText(stems(query.query_string), operator=query.operator,
                              boost=query.boost)
        elif isinstance(query, Phrase):
            query = Phrase(stems(query.query_string))
        return super().build_search_query_content(query, config=config)


class RussianSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = StemmedQueryCompiler
    index_class = StemmedIndex


SearchBackend = RussianSQLiteSearchBackend
