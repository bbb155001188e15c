"""The full-text engines behind SearchEntry, one per database (see rucher/search/models.py).

PostgreSQL: the unaccent extension, `rucher_french` and `rucher_english` (the stock
configurations with unaccent before the stemmer, so "ecole" finds "école" and headlines mark
accented words), a trigger computing `document` from title (A) and body (B) in both languages,
and a GIN index. SQLite: an FTS5 table over the stemmed columns, kept in step by triggers.
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION rucher_french (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION rucher_french"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
    "CREATE TEXT SEARCH CONFIGURATION rucher_english (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION rucher_english"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    """
    CREATE FUNCTION search_entry_document() RETURNS trigger AS $$
    BEGIN
      NEW.document :=
        setweight(to_tsvector('rucher_french', NEW.title), 'A')
        || setweight(to_tsvector('rucher_english', NEW.title), 'A')
        || setweight(to_tsvector('rucher_french', NEW.body), 'B')
        || setweight(to_tsvector('rucher_english', NEW.body), 'B');
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER search_entry_document BEFORE INSERT OR UPDATE OF title, body"
    " ON search_searchentry FOR EACH ROW EXECUTE FUNCTION search_entry_document()",
    "CREATE INDEX search_entry_document_gin ON search_searchentry USING gin (document)",
]

POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_entry_document_gin",
    "DROP TRIGGER IF EXISTS search_entry_document ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_entry_document()",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS rucher_english",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS rucher_french",
]

SQLITE = [
    # External content: FTS5 reads the stemmed columns of search_searchentry (rowid = id).
    "CREATE VIRTUAL TABLE search_fts USING fts5(terms_title, terms_body,"
    " content='search_searchentry', content_rowid='id', tokenize='unicode61')",
    """
    CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN
      INSERT INTO search_fts(rowid, terms_title, terms_body)
      VALUES (new.id, new.terms_title, new.terms_body);
    END
    """,
    """
    CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN
      INSERT INTO search_fts(search_fts, rowid, terms_title, terms_body)
      VALUES ('delete', old.id, old.terms_title, old.terms_body);
    END
    """,
    """
    CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN
      INSERT INTO search_fts(search_fts, rowid, terms_title, terms_body)
      VALUES ('delete', old.id, old.terms_title, old.terms_body);
      INSERT INTO search_fts(rowid, terms_title, terms_body)
      VALUES (new.id, new.terms_title, new.terms_body);
    END
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
