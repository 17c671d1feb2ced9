"""core.transactions.atomic: all or nothing, and on_commit after the commit,
on SQLite and on MongoDB (where Django's own atomic does neither)."""

import pytest
from django.db import transaction

from core.transactions import atomic
from heroes.models import Hero


def make_hero(key):
    return Hero.objects.create(key=key, name_ko=key, name_en=key, order=999)


@pytest.mark.django_db(transaction=True)
def test_on_commit_runs_after_the_block_has_committed():
    seen = []
    with atomic():
        make_hero("committed")
        transaction.on_commit(lambda: seen.append(Hero.objects.filter(key="committed").exists()))
        assert seen == []  # not before the commit
    assert seen == [True]


@pytest.mark.django_db(transaction=True)
def test_an_error_undoes_every_write_of_the_block_and_drops_its_callbacks():
    seen = []
    with pytest.raises(RuntimeError):
        with atomic():
            make_hero("first")
            with atomic():  # nested blocks join the outer one
                make_hero("second")
            transaction.on_commit(lambda: seen.append("ran"))
            raise RuntimeError("failed half-way")
    assert not Hero.objects.filter(key__in=["first", "second"]).exists()
    assert seen == []


@pytest.mark.django_db(transaction=True)
def test_inside_djangos_atomic_as_in_the_admin():
    seen = []
    with transaction.atomic():
        with atomic():
            make_hero("admin-made")
            transaction.on_commit(
                lambda: seen.append(Hero.objects.filter(key="admin-made").exists())
            )
    assert seen == [True]


@pytest.mark.django_db
def test_as_a_decorator_each_call_is_its_own_block():
    @atomic()
    def create(key, fail=False):
        make_hero(key)
        if fail:
            raise ValueError(key)

    create("kept")
    with pytest.raises(ValueError):
        create("undone", fail=True)
    create("kept-too")
    assert set(Hero.objects.filter(order=999).values_list("key", flat=True)) == {"kept", "kept-too"}
