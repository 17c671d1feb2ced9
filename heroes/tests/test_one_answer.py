"""One photo, one answer: the ranking shown after an upload is computed from
exactly the stored photo, so re-predicting with the same model changes nothing."""

import hashlib

import pytest
from django.core.management import call_command

from heroes.models import Prediction
from heroes.services import prediction_create
from mylittlehero.tests.factories import ASTRONAUT, photo_upload

pytestmark = pytest.mark.django_db


def test_the_ranking_is_computed_from_the_stored_bytes(user, fake_predictor):
    prediction = prediction_create(user=user, upload=photo_upload("me.jpg", size=(640, 480)))
    with prediction.image.open("rb") as handle:
        stored = hashlib.sha256(handle.read()).hexdigest()
    assert [call["sha256"] for call in fake_predictor.calls] == [stored]


def test_results_carry_a_match_strength_and_an_index_per_hero(user, fake_predictor):
    prediction = prediction_create(user=user, upload=photo_upload("me.jpg", size=(640, 480)))
    assert 0 <= prediction.match_strength <= 100
    assert prediction.match_strength == prediction.ranking[0]["index"]
    assert all(0 <= row["index"] <= 100 for row in prediction.ranking)


def test_repredict_with_an_unchanged_model_changes_no_stored_result(user, fake_predictor, capsys):
    for n in range(6):
        prediction_create(user=user, upload=photo_upload(f"p{n}.jpg", size=(320 + 16 * n, 240)))
    before = {p.pk: (p.ranking, p.match_strength, p.nearly_tied) for p in Prediction.objects.all()}
    call_command("repredict", "--all")
    assert "changed top hero 0" in capsys.readouterr().out
    after = {p.pk: (p.ranking, p.match_strength, p.nearly_tied) for p in Prediction.objects.all()}
    assert after == before


@pytest.mark.model
def test_repredict_with_the_real_model_reproduces_every_stored_result(
    user, hero_engine, shared_datasets, capsys
):
    """Real photos through the real engine: upload, then re-rank the stored
    copies with the same model; nothing changes (top hero, scores, strength)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    paths = [ASTRONAUT] + sorted((shared_datasets / "faces-london" / "neutral").glob("*.jpg"))[:7]
    for path in paths:
        prediction_create(
            user=user,
            upload=SimpleUploadedFile(path.name, path.read_bytes(), content_type="image/jpeg"),
        )

    def summary():
        # Batched re-ranking may differ from the single upload in the last
        # float digits; the order and the scores to 4 places do not.
        return {
            p.pk: (
                [row["hero"] for row in p.ranking],
                [round(row["probability"], 4) for row in p.ranking],
                round(p.match_strength, 2),
                p.nearly_tied,
            )
            for p in Prediction.objects.all()
        }

    before = summary()
    call_command("repredict", "--all")
    assert "changed top hero 0" in capsys.readouterr().out
    assert summary() == before
