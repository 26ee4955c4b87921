# Built CONCURRENTLY: on a chain's ten million orders a plain CREATE INDEX would block placing
# orders while it scans the table (docs/decisions/0013).

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgreSQL(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL; a plain CREATE INDEX on SQLite, the embedded
    default, which has no such thing."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('orders', '0007_order_notify_by'),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgreSQL(
            model_name='order',
            index=models.Index(condition=models.Q(('state__in', ['placed', 'sourcing', 'reserved', 'picking', 'ready_for_pickup'])), fields=['pickup_store', 'state', 'placed_at'], name='order_open_store_idx'),
        ),
        AddIndexConcurrentlyOnPostgreSQL(
            model_name='order',
            index=models.Index(fields=['pickup_store', 'placed_at'], name='order_store_placed_idx'),
        ),
    ]
