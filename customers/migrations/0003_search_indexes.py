"""The hotline's customer search reads an index for each way it finds a customer
(customers.selectors._matching_ids), so that it stays fast with a chain's million customers.

PostgreSQL only, invisible to the ORM (like the catalogue's search columns):
- `customers_unaccent(text)`: unaccent pinned to its dictionary, declared immutable so that an
  index may hold it;
- a trigram GIN index on the folded name (lower case, no accents, "ue"/"oe"/"ae" as "u"/"o"/"a":
  the expression `_name_folded` builds, character for character) for "contains";
- a trigram GIN index on the lower-case e-mail for part of an address.
Everywhere: an index on the phone number. The e-mail's own unique index (on its lower case)
serves a whole address; order and RMA numbers have theirs.

Built CONCURRENTLY: a plain CREATE INDEX would hold up every placement (each upserts its
customer) while it reads a chain's customers.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION customers_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$
"""

NAME_INDEX = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS customer_name_folded_trgm_idx ON orders_customer
USING gin ((replace(replace(replace(lower(customers_unaccent(name)),
    'ue', 'u'), 'oe', 'o'), 'ae', 'a')) gin_trgm_ops)
"""

EMAIL_INDEX = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS customer_email_trgm_idx ON orders_customer
USING gin ((lower(email)) gin_trgm_ops)
"""

PHONE_INDEX = "CREATE INDEX {concurrently} IF NOT EXISTS customer_phone_idx ON orders_customer (phone)"

DROP = [
    "DROP INDEX IF EXISTS customer_phone_idx",
    "DROP INDEX IF EXISTS customer_email_trgm_idx",
    "DROP INDEX IF EXISTS customer_name_folded_trgm_idx",
    "DROP FUNCTION IF EXISTS customers_unaccent(text)",
]


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(PHONE_INDEX.format(concurrently=""))
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
        )
        (schema,) = cursor.fetchone()
    # Shared with the catalogue search (inventory): created if missing, never dropped here.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(FUNCTION.format(schema=schema))
    schema_editor.execute(NAME_INDEX)
    schema_editor.execute(EMAIL_INDEX)
    schema_editor.execute(PHONE_INDEX.format(concurrently="CONCURRENTLY"))


def drop_search_indexes(apps, schema_editor):
    statements = DROP if schema_editor.connection.vendor == "postgresql" else DROP[:1]
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("customers", "0002_unaccent")]

    operations = [migrations.RunPython(create_search_indexes, drop_search_indexes)]
