"""Statements the ORM does not write in one go: an INSERT that yields to an existing row.

`Model.objects.create()` inside a savepoint, catching IntegrityError, costs three statements
(SAVEPOINT, INSERT, RELEASE) and a rolled-back savepoint when the row exists. `INSERT … ON
CONFLICT DO NOTHING RETURNING id` does the same in one, on PostgreSQL and SQLite alike, and only
unique constraints yield (CHECK and NOT NULL still fail loudly, unlike SQLite's INSERT OR IGNORE).
"""

from collections.abc import Sequence

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin


def _inserted_fields(instance: models.Model, *, skip: models.Field | None = None) -> list:
    return [
        field
        for field in instance._meta.local_concrete_fields
        if not (isinstance(field, AutoFieldMixin) and getattr(instance, field.attname) is None)
        and not getattr(field, "generated", False)
        and field is not skip
    ]


def _parent_key(model: type[models.Model], parent: type[models.Model]) -> models.ForeignKey:
    for field in model._meta.local_concrete_fields:
        if field.many_to_one and field.related_model is parent:
            return field
    raise ValueError(f"{model.__name__} has no foreign key to {parent.__name__}.")


def _saved(instance: models.Model, pk, using: str) -> None:
    setattr(instance, instance._meta.pk.attname, pk)
    instance._state.adding = False
    instance._state.db = using


def insert_unless_exists(
    instance: models.Model, *, dependents: Sequence[models.Model] = ()
) -> bool:
    """INSERTs the unsaved `instance` unless it would break a unique constraint; True and its
    primary key set when inserted, False when a row with the same unique values exists (or is
    being inserted by a transaction that then commits). Needs no savepoint: nothing fails.

    `dependents` are unsaved rows with a foreign key to `instance` (an order's lines and audit
    rows): inserted with it, and only when it is, given their primary keys in their order. On
    PostgreSQL all of it is one statement (data-modifying WITH clauses); elsewhere one INSERT
    per model follows."""
    model = type(instance)
    opts = model._meta
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = _inserted_fields(instance)
    values = [
        field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields
    ]
    insert = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT DO NOTHING RETURNING {quote(opts.pk.column)}"
    )
    groups: dict[type[models.Model], list[models.Model]] = {}
    for dependent in dependents:
        groups.setdefault(type(dependent), []).append(dependent)

    if not groups or connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(insert, values)
            row = cursor.fetchone()
        if row is None:
            return False
        _saved(instance, row[0], using)
        for dependent_model, rows in groups.items():
            key = _parent_key(dependent_model, model)
            for dependent in rows:
                setattr(dependent, key.name, instance)
            dependent_model._base_manager.using(using).bulk_create(rows)
        return True

    clauses = [f"parent AS ({insert})"]
    params = list(values)
    parts = [f"SELECT 0 AS part, parent.{quote(opts.pk.column)} AS id FROM parent"]
    for number, (dependent_model, rows) in enumerate(groups.items(), start=1):
        key = _parent_key(dependent_model, model)
        dependent_fields = _inserted_fields(rows[0], skip=key)
        row_sql = "({})".format(
            ", ".join(
                ["%s"] + [f"CAST(%s AS {f.cast_db_type(connection)})" for f in dependent_fields]
            )
        )
        aliases = [f"c{index}" for index in range(len(dependent_fields))]
        for position, dependent in enumerate(rows):
            params.append(position)
            params += [
                field.get_db_prep_save(field.pre_save(dependent, add=True), connection)
                for field in dependent_fields
            ]
        columns = ", ".join(quote(f.column) for f in [key, *dependent_fields])
        clauses.append(
            f"d{number} AS (INSERT INTO {quote(dependent_model._meta.db_table)} ({columns}) "
            f"SELECT parent.{quote(opts.pk.column)}, {', '.join(f'v.{a}' for a in aliases)} "
            f"FROM parent, (VALUES {', '.join([row_sql] * len(rows))}) "
            f"AS v(position, {', '.join(aliases)}) ORDER BY v.position "
            f"RETURNING {quote(dependent_model._meta.pk.column)})"
        )
        parts.append(f"SELECT {number}, {quote(dependent_model._meta.pk.column)} FROM d{number}")
    sql = f"WITH {', '.join(clauses)} {' UNION ALL '.join(parts)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    if not returned:
        return False
    ids: dict[int, list] = {}
    for part, pk in returned:
        ids.setdefault(part, []).append(pk)
    _saved(instance, ids[0][0], using)
    for number, (dependent_model, rows) in enumerate(groups.items(), start=1):
        key = _parent_key(dependent_model, model)
        # One sequence, rows inserted in VALUES order: sorted ids pair with the rows.
        for dependent, pk in zip(rows, sorted(ids[number]), strict=True):
            setattr(dependent, key.name, instance)
            _saved(dependent, pk, using)
    return True


def model_from_row(model: type[models.Model], values, *, using: str = "default") -> models.Model:
    """A model instance from the values of its concrete fields, in their order, as a hand-written
    SELECT returned them; each value goes through the conversions the ORM would apply (SQLite
    hands back decimals as floats, for instance)."""
    connection = connections[using]
    fields = model._meta.concrete_fields
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for converter in connection.ops.get_db_converters(column) + field.get_db_converters(
            connection
        ):
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(using, [field.attname for field in fields], converted)
