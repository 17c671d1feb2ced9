"""Rows made by data migrations, restored after a flush.

A test on a transactional database (live_server) and every test on MongoDB
(django-mongodb-backend reports supports_transactions = False, so Django
flushes instead of rolling back) leaves an empty database behind: the rows
the data migrations made (default heroes, the Moderators group...) are gone.
Before the next test that uses the database, every RunPython operation of
the active migration set (SQLite's or mongo_migrations/) runs again, each
with the historical models of its own migration, as `migrate` ran it (the
autouse fixture ``_migration_data`` in the root conftest.py)."""

import types

_data_migration_steps = None


def migration_data_steps():
    """[(RunPython code, the apps it ran with)] in migration order, computed once."""
    global _data_migration_steps
    if _data_migration_steps is None:
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor
        from django.db.migrations.operations.special import RunPython

        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
        state = executor._create_project_state(with_applied_migrations=False)
        steps = []
        for migration, _backwards in plan:
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    steps.append((operation.code, state.clone().apps))
                operation.state_forwards(migration.app_label, state)
        _data_migration_steps = steps
    return _data_migration_steps


def migration_data_restore():
    from django.db import connection

    # Data functions only read schema_editor.connection; a real schema editor
    # cannot be opened inside a test's transaction on SQLite.
    schema_editor = types.SimpleNamespace(connection=connection)
    for code, apps in migration_data_steps():
        code(apps, schema_editor)


def uses_database(request):
    return request.node.get_closest_marker("django_db") is not None or (
        "_django_db_helper" in request.fixturenames
    )


def flushes_after(request):
    from django.db import connection

    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    )
    transactional = transactional or any(
        name in request.fixturenames
        for name in ("transactional_db", "live_server", "django_db_reset_sequences")
    )
    return transactional or not connection.features.supports_transactions


# --- MongoDB: the migrated state, copied back -----------------------------------
# On MongoDB every test ends with a flush. Django's flush then re-creates the
# content types and permissions (post_migrate) and the fixture above runs the
# data migrations again: about 90 round trips to the server, 0.5-1 s a test on
# the emulator. Instead the documents `migrate` left are read once and, after
# each test, every collection is emptied as flush empties it and those
# documents are written back: the same state (the same ids too), in a handful
# of round trips.


def database_snapshot(connection):
    """{collection: [documents]} of every collection of the models."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    return {table: list(connection.database[table].find()) for table in tables}


def database_snapshot_restore(connection, snapshot):
    """Flush (as Django's flush empties the collections), then write back
    the snapshot's documents; forget cached content types."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.core.management.sql import sql_flush

    connection.ops.execute_sql_flush(sql_flush(no_style(), connection))
    for table, documents in snapshot.items():
        if documents:
            connection.database[table].insert_many([dict(doc) for doc in documents])
    ContentType.objects.clear_cache()
