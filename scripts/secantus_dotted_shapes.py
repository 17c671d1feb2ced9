"""A pytest plugin for one check, never loaded by default: do the tests marked
SECANTUS_* (mylittlehero/tests/secantus.py) fail only because of the emulator's two bugs?

It rewrites, in every pipeline django-mongodb-backend builds, the two shapes
SecantusDB 0.7.0b3 gets wrong into their dotted equivalents, which it gets
right and which MongoDB treats the same way:

    {"$project":   {"t": {"f": 1}}}        ->  {"$project":   {"t.f": 1}}
    {"$addFields": {"t": {"f": "$t.f"}}}   ->  {"$addFields": {"t.f": "$t.f"}}

Then run the marked tests with their marks ignored:

    PYTHONPATH=scripts scripts/mongodb_emulator.sh .venv/bin/python -m pytest \
        -p secantus_dotted_shapes --runxfail heroes/tests/test_admin.py \
        heroes/tests/test_cascades.py mylittlehero/tests/test_access.py

They all pass (docs/mongodb.md). Test-only: the site never loads this.
"""

from django_mongodb_backend.query import MongoQuery

_get_pipeline = MongoQuery.get_pipeline


def _dotted(spec):
    out = {}
    for key, value in spec.items():
        if isinstance(value, dict) and value and not any(k.startswith("$") for k in value):
            out.update({f"{key}.{sub}": subvalue for sub, subvalue in value.items()})
        else:
            out[key] = value
    return out


def _get_pipeline_dotted(self):
    stages = []
    for stage in _get_pipeline(self):
        ((name, body),) = stage.items()
        if name in ("$project", "$addFields") and isinstance(body, dict):
            stage = {name: _dotted(body)}
        stages.append(stage)
    return stages


MongoQuery.get_pipeline = _get_pipeline_dotted
