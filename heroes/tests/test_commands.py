import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from heroes.models import Prediction

pytestmark = pytest.mark.django_db(transaction=True)


def test_purge_uploads_deletes_only_old_photos(user, make_prediction, media_root, capsys):
    old = make_prediction(user)
    Prediction.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    recent = make_prediction(user)

    call_command("purge_uploads", "--older-than", "30", "--dry-run")
    assert "would delete 1 photos" in capsys.readouterr().out
    assert Prediction.objects.count() == 2 and (media_root / old.image.name).exists()

    call_command("purge_uploads", "--older-than", "30")
    assert "deleted 1 photos" in capsys.readouterr().out
    assert list(Prediction.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not (media_root / old.image.name).exists()
    assert (media_root / recent.image.name).exists()
