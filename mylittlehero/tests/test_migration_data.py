"""The rows made by data migrations come back after a flush
(conftest.py's ``_migration_data``, migration_data.py).

Every test on MongoDB and every transactional test on SQLite ends with a
flush; the next test must still see the default heroes and the Moderators
group exactly as `migrate` made them, whichever data migrations exist.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from heroes.models import Hero
from mylittlehero.tests.migration_data import (
    database_snapshot,
    migration_data_restore,
    migration_data_steps,
)


def _snapshot():
    return {
        "heroes": sorted(Hero.objects.values_list("key", "name_en", "order", "is_active")),
        "groups": sorted(
            (group.name, sorted(group.permissions.values_list("codename", flat=True)))
            for group in Group.objects.all()
        ),
    }


def test_every_run_python_operation_is_found():
    names = [code.__name__ for code, _apps in migration_data_steps()]
    assert "create_default_heroes" in names
    assert "create_moderators" in names
    # Each runs with the models of its own migration, as migrate ran it.
    heroes_apps = dict((code.__name__, apps) for code, apps in migration_data_steps())
    assert heroes_apps["create_default_heroes"].get_model("heroes", "Hero")


@pytest.mark.django_db(transaction=True)
def test_flush_then_restore_gives_back_the_migrated_rows():
    migrated = _snapshot()  # each test starts from the migrated state
    assert migrated["heroes"] and migrated["groups"]
    call_command("flush", interactive=False, verbosity=0)
    assert not Hero.objects.exists() and not Group.objects.exists()
    migration_data_restore()
    assert _snapshot() == migrated


@pytest.mark.django_db(transaction=True)
def test_a_later_test_sees_the_migrated_rows_again():
    # Runs after the flushing test above (and after every flush on MongoDB).
    assert Hero.objects.filter(is_active=True).exists()
    assert Group.objects.filter(name="Moderators").exists()


@pytest.mark.django_db
def test_a_test_changes_migrated_rows():
    Hero.objects.filter(key="thor").delete()
    Group.objects.create(name="Temporary")
    Group.objects.get(name="Moderators").permissions.clear()


@pytest.mark.django_db
def test_on_mongodb_the_next_test_starts_from_exactly_the_migrated_documents(
    _mongodb_migrated_state,
):
    """On MongoDB the flush after a test writes back the documents `migrate`
    made (conftest.py's ``_mongodb_migrated_state``): every collection, the
    same ids."""
    if _mongodb_migrated_state is None:
        pytest.skip("MongoDB only: elsewhere the test's transaction is rolled back")
    from django.db import connection

    assert database_snapshot(connection) == _mongodb_migrated_state["default"]
    assert Hero.objects.filter(key="thor").exists()
    assert not Group.objects.filter(name="Temporary").exists()
    assert Group.objects.get(name="Moderators").permissions.exists()
