"""The hero catalog and the predictions made against it.

Application code keeps to what both SQLite and django-mongodb-backend
support: no raw SQL, no extra(), no many-to-many prefetch_related, no
update()/delete() spanning several models in one query.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class HeroQuerySet(models.QuerySet):
    def active(self):
        """The heroes the site offers (and the engine's ranking is cut to)."""
        return self.filter(is_active=True)


class Hero(models.Model):
    key = models.SlugField(
        _("key"),
        max_length=50,
        unique=True,
        help_text=_("Stable identifier used by the model and in links, e.g. iron-man."),
    )
    name_ko = models.CharField(_("name (Korean)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    portrait = models.ImageField(_("portrait"), upload_to="heroes/portraits/", blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Other names for this hero, e.g. training folder names like 'ironman'."),
    )

    objects = HeroQuerySet.as_manager()

    class Meta:
        verbose_name = _("hero")
        verbose_name_plural = _("heroes")
        ordering = ["order", "key"]

    def __str__(self):
        return self.name

    def name_for(self, language):
        """The name in ``language``: English for "en..." and Korean otherwise."""
        return self.name_en if (language or "").startswith("en") else self.name_ko

    @property
    def name(self):
        """The name in the active language."""
        return self.name_for(get_language())

    @property
    def description(self):
        if (get_language() or "").startswith("en"):
            return self.description_en or self.description_ko
        return self.description_ko or self.description_en

    def key_in_use(self, key=None):
        """Results or the active model name this key (the saved one by
        default), so it can no longer change: a stored ranking names heroes
        by key, and so does the model."""
        key = key or self.key
        if self.pk and Prediction.objects.filter(top_hero_id=self.pk).exists():
            return True
        from heroes.ml import api as engine_api

        if key in engine_api.hero_profiles():
            return True
        rows = Prediction.objects.values_list("ranking", "previous_results").iterator()
        for ranking, previous in rows:
            runs = [ranking] + [run.get("ranking") or [] for run in previous or []]
            if any(row.get("hero") == key for run in runs for row in run or []):
                return True
        return False

    def clean(self):
        super().clean()
        if self.pk is None:
            return
        saved = type(self).objects.filter(pk=self.pk).values_list("key", flat=True).first()
        if saved is not None and saved != self.key and self.key_in_use(saved):
            raise ValidationError(
                {"key": _("Results or the hero model use this key: it cannot change.")}
            )

    @property
    def emblem_static_path(self):
        return f"heroes/emblems/{self.key}.png"


class RepredictRun(models.Model):
    """One run of ``manage.py repredict``; an unfinished run with the same
    arguments is resumed instead of started again."""

    arguments = models.CharField(max_length=500)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    model_version = models.CharField(max_length=64)
    processed = models.PositiveIntegerField(default=0)
    # The last prediction written, as a string: the run resumes after it.
    last_pk = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"repredict {self.arguments} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


def reference_image_path(instance, filename):
    return f"heroes/reference/{instance.hero.key}/{uuid.uuid4().hex}.jpg"


class HeroImage(models.Model):
    """A reference photo of a hero: the gallery a model is trained from
    (``manage.py train_heroes --from-catalog``)."""

    TRAIN = "train"
    VALID = "valid"
    SPLITS = [(TRAIN, _("training")), (VALID, _("validation"))]

    hero = models.ForeignKey(
        Hero, on_delete=models.CASCADE, related_name="images", verbose_name=_("hero")
    )
    image = models.ImageField(_("image"), upload_to=reference_image_path)
    split = models.CharField(_("split"), max_length=5, choices=SPLITS, default=TRAIN)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("reference image")
        verbose_name_plural = _("reference images")
        ordering = ["hero", "created_at"]

    def __str__(self):
        return f"{self.hero.key} {self.split} {self.pk}"


def prediction_photo_path(instance, filename):
    """A random name: the original project named photos after the user's email."""
    now = timezone.now()
    return f"predictions/{now:%Y/%m}/{uuid.uuid4().hex}.jpg"


def new_share_token():
    return secrets.token_urlsafe(24)


CARD_LANGUAGES = ("ko", "en")
# The share page draws the card at most 720 CSS px wide: a 600 px and a
# 1200 px WebP (for 2x screens) instead of the 1200x630 PNG (about 400 KB),
# which stays the og:image.
CARD_PAGE_WIDTHS = (600, 1200)


def share_card_name(token, language, width=None):
    """Where a share card is kept once rendered: the PNG, or with ``width``
    the share page's WebP that wide. Named after the (secret, unguessable)
    share token, so a revoked token's cards are found and removed, and a new
    token never meets an old card."""
    if width is not None:
        return f"cards/{token}-{language}-{width}w.webp"
    return f"cards/{token}-{language}.png"


def share_card_files(tokens):
    """Every card file a share token may have: the PNG and the WebPs, per language."""
    return [
        (default_storage, share_card_name(token, language, width))
        for token in tokens
        if token
        for language in CARD_LANGUAGES
        for width in (None, *CARD_PAGE_WIDTHS)
    ]


class Prediction(models.Model):
    # An account, or none for a visitor's try without one: then the browser
    # session holding ``anonymous_owner`` owns it until the visitor signs up or
    # logs in (history/claiming.py) or the sweep deletes it (heroes/sweeping.py).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="predictions",
        verbose_name=_("owner"),
    )
    anonymous_owner = models.CharField(
        _("anonymous owner"), max_length=64, blank=True, default="", db_index=True
    )
    # The uploaded photo; for a private result (analysed in the browser,
    # docs/private-mode.md) only the small face thumbnail its owner chose to
    # keep, or nothing.
    image = models.ImageField(
        _("photo"),
        upload_to=prediction_photo_path,
        width_field="image_width",
        height_field="image_height",
        blank=True,
    )
    image_width = models.PositiveIntegerField(_("photo width"), null=True, blank=True)
    image_height = models.PositiveIntegerField(_("photo height"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Every face found: [{"box": [x, y, w, h], "confidence": float}, ...]
    faces = models.JSONField(_("faces"), default=list, blank=True)
    face_index = models.PositiveSmallIntegerField(_("face used"), default=0)
    # Every hero, best first: [{"hero": key, "probability": p, "index": the
    #   match-strength percentile (0-100) or None}, ...], unrounded. Rows
    #   stored before may also hold a "similarity", which nothing reads.
    ranking = models.JSONField(_("ranking"), default=list, blank=True)
    top_hero = models.ForeignKey(
        Hero,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("top hero"),
    )
    top_probability = models.FloatField(_("score"), null=True, blank=True)
    # How strongly this face matches its top hero, as a percentile (0-100):
    # its ranking score, on the face's own scale, among a reference of
    # ordinary people's; None for results computed before the model knew it.
    match_strength = models.FloatField(_("match strength"), null=True, blank=True)
    # The top two heroes are too close to tell apart (margin from the model card).
    nearly_tied = models.BooleanField(_("nearly tied"), default=False)
    model_version = models.CharField(_("model version"), max_length=64, blank=True)
    # Analysed in the person's browser: the server got the ranking only
    # (heroes/private_ranking.py), so there is nothing to re-run.
    is_private = models.BooleanField(_("analysed on the device"), default=False)
    share_token = models.CharField(
        _("share token"), max_length=64, unique=True, default=new_share_token, editable=False
    )
    is_shared = models.BooleanField(_("shared"), default=False)
    # When the ranking above was computed, and the rankings it replaced
    # (newest first, a few kept) so a bad model can be rolled back.
    predicted_at = models.DateTimeField(_("predicted"), default=timezone.now, db_index=True)
    previous_results = models.JSONField(_("previous results"), default=list, blank=True)

    class Meta:
        verbose_name = _("prediction")
        verbose_name_plural = _("predictions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="prediction_owner_created")]

    def __str__(self):
        # In the site's time zone (KST by default), as the pages show it.
        owner = self.owner_id if self.owner_id is not None else "anonymous"
        return f"{owner} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def is_anonymous(self):
        """Made without an account: kept only until the sweep, unless claimed."""
        return self.owner_id is None

    @property
    def share_path(self):
        """The public share page's path (it answers only while shared)."""
        return reverse("heroes:share", args=[self.share_token])

    @property
    def share_card_path(self):
        """The share card image's path."""
        return reverse("heroes:share_card", args=[self.share_token])

    @classmethod
    def stored_files_extra(cls, rows):
        """The rendered share cards of these rows (instances or a queryset),
        deleted with them by core.storage.rows_delete_with_files."""
        if hasattr(rows, "values_list"):
            tokens = list(rows.values_list("share_token", flat=True))
        else:
            tokens = [row.share_token for row in rows]
        return share_card_files(tokens)

    @property
    def face(self):
        """The face the ranking is for: {"box": [x, y, w, h], "confidence"}."""
        if 0 <= self.face_index < len(self.faces or []):
            return self.faces[self.face_index]
        return None

    def box_percent(self, box):
        """A face box as percentages of the photo, for drawing it over the image."""
        if not (self.image_width and self.image_height):
            return None
        x, y, w, h = box
        return {
            "left": round(100 * x / self.image_width, 2),
            "top": round(100 * y / self.image_height, 2),
            "width": round(100 * w / self.image_width, 2),
            "height": round(100 * h / self.image_height, 2),
        }
