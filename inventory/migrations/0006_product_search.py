"""Catalogue search: German and English names and descriptions, a popularity to break ties, and
on PostgreSQL the columns and indexes the search reads (inventory.search).

PostgreSQL only, next to the model's fields and invisible to the ORM:
- `search_de`, `search_en`: generated tsvector columns (german / english configuration), the name
  weighted A and the description C, each with a GIN index;
- `search_names`: the German and English name, unaccented and lowercased, generated, with a
  trigram GIN index for `<%` (word similarity: typos and parts of compounds);
- an index on the upper-case SKU for an exact SKU in any case and for the SKU's start;
- `inventory_unaccent(text)`: unaccent pinned to its dictionary, immutable so that a generated
  column may use it.
"""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION inventory_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$
"""

COLUMNS = """
ALTER TABLE inventory_product
    ADD COLUMN search_de tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('german'::regconfig, name), 'A')
        || setweight(to_tsvector('german'::regconfig, description), 'C')
    ) STORED,
    ADD COLUMN search_en tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, name_en), 'A')
        || setweight(to_tsvector('english'::regconfig, description_en), 'C')
    ) STORED,
    ADD COLUMN search_names text GENERATED ALWAYS AS (
        lower(inventory_unaccent(name || ' ' || name_en))
    ) STORED;
CREATE INDEX product_sku_upper_idx ON inventory_product (upper(sku) text_pattern_ops);
CREATE INDEX product_search_de_idx ON inventory_product USING gin (search_de);
CREATE INDEX product_search_en_idx ON inventory_product USING gin (search_en);
CREATE INDEX product_search_names_trgm_idx ON inventory_product
    USING gin (search_names gin_trgm_ops);
"""

DROP = """
DROP INDEX IF EXISTS product_sku_upper_idx;
ALTER TABLE inventory_product
    DROP COLUMN IF EXISTS search_de,
    DROP COLUMN IF EXISTS search_en,
    DROP COLUMN IF EXISTS search_names;
DROP FUNCTION IF EXISTS inventory_unaccent(text);
"""


def create_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
        )
        (schema,) = cursor.fetchone()
    schema_editor.execute(FUNCTION.format(schema=schema))
    schema_editor.execute(COLUMNS)


def drop_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0005_transfer_cancel_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description in English"),
        ),
        migrations.AddField(
            model_name="product",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in English"),
        ),
        migrations.AddField(
            model_name="product",
            name="popularity",
            field=models.PositiveIntegerField(
                default=0,
                help_text="Higher comes first among equally relevant search results (bestsellers).",
                verbose_name="popularity",
            ),
        ),
        migrations.AlterField(
            model_name="product",
            name="description",
            field=models.TextField(blank=True, help_text="German", verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="product",
            name="name",
            field=models.CharField(help_text="German", max_length=200, verbose_name="name"),
        ),
        CreateExtension("pg_trgm"),
        CreateExtension("unaccent"),
        migrations.RunPython(create_search_columns, drop_search_columns),
    ]
