"""The MongoDB server itself, with pymongo only: minimal reproductions of the
emulator bugs that the SECANTUS_* marks (secantus.py) stand for, and the server
features the site relies on (a replica set for transactions, unique indexes).

On SecantusDB the two bug reproductions are expected to fail (strictly: once
the emulator is fixed they fail loudly and the marks must go); on MongoDB 7/8
they pass. Without MONGODB_URI everything here skips.
"""

import os
import uuid

import pytest

from mylittlehero.tests.secantus import SECANTUS_NESTED_ADD_FIELDS_BUG, SECANTUS_NESTED_PROJECT_BUG

pytestmark = [
    pytest.mark.mongodb,
    pytest.mark.skipif(
        not os.environ.get("MONGODB_URI"),
        reason="MONGODB_URI is not set: these tests need a live MongoDB server (see docs/mongodb.md)",
    ),
]


@pytest.fixture
def collection():
    import pymongo

    client = pymongo.MongoClient(os.environ["MONGODB_URI"], serverSelectionTimeoutMS=10_000)
    name = f"mlh_server_check_{uuid.uuid4().hex[:8]}"
    try:
        collection = client[name]["things"]
        collection.insert_one({"_id": 1, "inner": {"a": "x", "b": "y"}, "other": 5})
        yield collection
    finally:
        client.drop_database(name)
        client.close()


def test_project_dotted_path_keeps_the_embedded_value(collection):
    # The control: the same projection written with a dotted path.
    assert list(collection.aggregate([{"$project": {"inner.a": 1}}])) == [
        {"_id": 1, "inner": {"a": "x"}}
    ]


@SECANTUS_NESTED_PROJECT_BUG
def test_project_nested_form_keeps_the_embedded_value(collection):
    # {"inner": {"a": 1}} is an inclusion of inner.a, like "inner.a": 1.
    # SecantusDB 0.7.0b3 returns {"inner": {"a": 1}}: the literal 1.
    assert list(collection.aggregate([{"$project": {"inner": {"a": 1}}}])) == [
        {"_id": 1, "inner": {"a": "x"}}
    ]


def test_add_fields_dotted_path_merges(collection):
    assert list(collection.aggregate([{"$addFields": {"inner.c": "z"}}])) == [
        {"_id": 1, "inner": {"a": "x", "b": "y", "c": "z"}, "other": 5}
    ]


@SECANTUS_NESTED_ADD_FIELDS_BUG
@pytest.mark.parametrize("stage", ["$addFields", "$set"])
def test_add_fields_embedded_document_merges(collection, stage):
    # An embedded document in $addFields/$set sets its fields inside the
    # existing one. SecantusDB 0.7.0b3 replaces it: {"inner": {"c": "z"}}.
    assert list(collection.aggregate([{stage: {"inner": {"c": "z"}}}])) == [
        {"_id": 1, "inner": {"a": "x", "b": "y", "c": "z"}, "other": 5}
    ]


def test_unique_index_refuses_a_duplicate(collection):
    import pymongo

    collection.create_index("email", unique=True)
    collection.insert_one({"_id": 2, "email": "a@example.com"})
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        collection.insert_one({"_id": 3, "email": "a@example.com"})


def test_a_transaction_commits_or_rolls_back_as_a_whole(collection):
    client = collection.database.client
    with client.start_session() as session:
        with pytest.raises(RuntimeError):
            with session.start_transaction():
                collection.insert_one({"_id": 10}, session=session)
                raise RuntimeError("abort")
        with session.start_transaction():
            collection.insert_one({"_id": 11}, session=session)
    assert collection.count_documents({"_id": {"$in": [10, 11]}}) == 1
