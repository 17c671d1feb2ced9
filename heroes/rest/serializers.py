"""What the HTTP API reads and writes."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.errors import error_reply
from heroes.forms import validate_photo_size
from heroes.models import Hero
from heroes.rest.errors import ApiError
from heroes.selectors import result_summaries, result_summary
from heroes.strength import headline, nearly_tied_text, strength_sentence


class HeroSerializer(serializers.ModelSerializer):
    portrait_url = serializers.SerializerMethodField()

    class Meta:
        model = Hero
        fields = [
            "key",
            "name_ko",
            "name_en",
            "description_ko",
            "description_en",
            "order",
            "portrait_url",
        ]

    def get_portrait_url(self, hero) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("heroes:portrait", args=[hero.key])
        )


class RoundedFloatField(serializers.FloatField):
    """A float shown to ``digits`` decimals. Results are stored with the
    engine's numbers unrounded; the API rounds them here, once, as the pages
    do in heroes.selectors."""

    def __init__(self, *, digits, **kwargs):
        self.digits = digits
        super().__init__(**kwargs)

    def to_representation(self, value):
        return round(super().to_representation(value), self.digits)


# The API's precision: probabilities to 6 decimals, the 0-100 percentiles to 2.
PROBABILITY_DIGITS = 6
PERCENTILE_DIGITS = 2


class RankingRowSerializer(serializers.Serializer):
    hero = serializers.CharField()
    probability = RoundedFloatField(
        digits=PROBABILITY_DIGITS,
        min_value=0,
        max_value=1,
        help_text="Calibrated probability that this hero is the closest match.",
    )
    # The stored key and the API field are "index"; the value is a percentile.
    index = RoundedFloatField(
        digits=PERCENTILE_DIGITS,
        min_value=0,
        max_value=100,
        allow_null=True,
        default=None,
        help_text="This person's resemblance to the hero on the match-strength scale (0-100); "
        "null for results computed before it existed.",
    )


class FaceSerializer(serializers.Serializer):
    box = serializers.ListField(child=serializers.FloatField(), min_length=4, max_length=4)
    confidence = serializers.FloatField()


class PredictionListSerializer(serializers.ListSerializer):
    """A list of results: their summaries built together (heroes.selectors.
    result_summaries), so a page of results costs the same few queries
    whatever its length."""

    def to_representation(self, data):
        predictions = list(data.all() if hasattr(data, "all") else data)
        self.summaries = {
            prediction.pk: summary
            for prediction, summary in zip(predictions, result_summaries(predictions), strict=True)
        }
        return super().to_representation(predictions)


class PredictionSerializer(serializers.Serializer):
    id = serializers.CharField(source="pk")
    created_at = serializers.DateTimeField()
    top_hero = serializers.SerializerMethodField()
    top_probability = RoundedFloatField(digits=PROBABILITY_DIGITS, allow_null=True)
    match_strength = RoundedFloatField(
        digits=PERCENTILE_DIGITS,
        allow_null=True,
        help_text="How strongly the face matches its top hero, as a percentile (0-100) of ordinary "
        "people's match with their own closest hero; null for results computed before it existed.",
    )
    match_strength_band = serializers.SerializerMethodField(
        help_text="very_strong, strong, clear, mild or faint; null without a match strength."
    )
    summary = serializers.SerializerMethodField(
        help_text="The top hero and the match strength in words, in the request's language."
    )
    nearly_tied = serializers.BooleanField(
        help_text="The top two heroes are too close to tell apart (the second is ranking[1])."
    )
    ranking = RankingRowSerializer(many=True)
    faces = FaceSerializer(many=True)
    face_index = serializers.IntegerField()
    model_version = serializers.CharField()
    photo_url = serializers.SerializerMethodField()
    is_shared = serializers.BooleanField()
    share_url = serializers.SerializerMethodField()

    class Meta:
        list_serializer_class = PredictionListSerializer

    def _summary(self, prediction):
        summaries = getattr(self.parent, "summaries", None)
        if summaries is None:  # one result: built once for all its fields
            summaries = self.__dict__.setdefault("_summaries", {})
        if prediction.pk not in summaries:
            summaries[prediction.pk] = result_summary(prediction)
        return summaries[prediction.pk]

    def get_top_hero(self, prediction) -> str | None:
        return prediction.top_hero.key if prediction.top_hero_id else None

    def get_match_strength_band(self, prediction) -> str | None:
        band = self._summary(prediction).band
        return band.code if band else None

    def get_summary(self, prediction) -> str | None:
        hero = prediction.top_hero
        if hero is None:
            return None
        text = headline(hero.name)
        second = self._summary(prediction).tied_with
        if second is not None:
            text = nearly_tied_text(hero.name, second.name)
        sentence = strength_sentence(hero.name, prediction.match_strength)
        if sentence:
            text = f"{text}. {sentence}"
        return text

    def get_photo_url(self, prediction) -> str:
        """Fetchable with the same token as the rest of the API."""
        return self.context["request"].build_absolute_uri(
            reverse("api:prediction_photo", args=[prediction.pk])
        )

    def get_share_url(self, prediction) -> str | None:
        if not prediction.is_shared:
            return None
        return self.context["request"].build_absolute_uri(prediction.share_path)


class PredictionCreateSerializer(serializers.Serializer):
    photo = serializers.FileField(
        help_text=gettext_lazy("A photo of a face: JPEG, PNG, WebP, HEIC or GIF.")
    )
    face_index = serializers.IntegerField(required=False, min_value=0, max_value=100)

    def validate_photo(self, photo):
        try:
            validate_photo_size(photo)
        except DjangoValidationError as exc:
            raise ApiError(error_reply(exc.code, " ".join(exc.messages))) from None
        return photo
