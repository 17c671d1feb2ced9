"""One ``atomic`` for both database backends.

On SQLite this is Django's ``transaction.atomic``. django-mongodb-backend
reports ``supports_transactions = False``: Django's ``atomic`` does nothing
there and ``transaction.on_commit`` callbacks run at once, before the writes
of the block are done. Its own ``django_mongodb_backend.transaction.atomic``
runs the block in a MongoDB multi-document transaction (on a replica set,
Atlas or a sharded cluster) and keeps ``on_commit`` callbacks until the
commit. On a standalone ``mongod`` (no transactions) the block runs without
one, as before.

Use it as ``with atomic():`` or ``@atomic()`` (with the parentheses: a bare
``@atomic`` raises TypeError); blocks nest (the outermost one
commits).
"""

from contextlib import ContextDecorator, nullcontext

from django.db import DEFAULT_DB_ALIAS, connections, transaction


class atomic(ContextDecorator):  # noqa: N801 - named like Django's transaction.atomic
    def __init__(self, using=None):
        if callable(using):  # bare decorator: @atomic
            raise TypeError("use @atomic() with parentheses")
        self.using = using
        self._block = None

    def _recreate_cm(self):
        # A decorator's instance is shared by every call (and thread).
        return type(self)(self.using)

    def __enter__(self):
        self._block = _backend_atomic(self.using)
        return self._block.__enter__()

    def __exit__(self, exc_type, exc_value, traceback):
        return self._block.__exit__(exc_type, exc_value, traceback)


def _backend_atomic(using):
    connection = connections[using or DEFAULT_DB_ALIAS]
    if connection.vendor != "mongodb":
        return transaction.atomic(using=using)
    if not connection.features._supports_transactions:
        return nullcontext()  # a standalone server: no multi-document transactions
    return _MongoDBAtomic(connection, using)


class _MongoDBAtomic:
    """django-mongodb-backend's atomic, also inside Django's own ``atomic``.

    Django's ``atomic`` (the admin wraps its views in one) does nothing on this
    backend but mark the connection as "in an atomic block", and then the
    commit of a MongoDB transaction refuses to run its on_commit callbacks.
    The MongoDB transaction is the real one: its callbacks run at its commit.
    """

    def __init__(self, connection, using):
        from django_mongodb_backend.transaction import atomic as mongodb_atomic

        self.connection = connection
        self.block = mongodb_atomic(using=using)

    def __enter__(self):
        return self.block.__enter__()

    def __exit__(self, exc_type, exc_value, traceback):
        in_django_atomic = self.connection.in_atomic_block
        self.connection.in_atomic_block = False
        try:
            return self.block.__exit__(exc_type, exc_value, traceback)
        finally:
            self.connection.in_atomic_block = in_django_atomic
