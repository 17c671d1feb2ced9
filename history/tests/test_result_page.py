"""The result page, the history list and the share page lead with the top
hero and the match strength in words; thumbnails show the chosen face."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from heroes.models import Hero, Prediction

pytestmark = pytest.mark.django_db


def ranking_for(keys, top_index=73.0):
    keys = list(keys)
    n = len(keys)
    weights = [n - i for i in range(n)]
    total = sum(weights)
    return [
        {
            "hero": key,
            "probability": weights[i] / total,
            "similarity": 0.5 - 0.01 * i,
            "index": max(0.0, top_index - 7 * i),
        }
        for i, key in enumerate(keys)
    ]


@pytest.fixture
def hero_keys(default_heroes):
    return list(Hero.objects.filter(is_active=True).order_by("order").values_list("key", flat=True))


@pytest.fixture
def result(user, make_prediction, hero_keys):
    keys = ["loki", "captain-america"] + [
        k for k in hero_keys if k not in ("loki", "captain-america")
    ]
    ranking = ranking_for(keys)
    return make_prediction(
        user,
        ranking=ranking,
        top_hero=Hero.objects.get(key="loki"),
        top_probability=ranking[0]["probability"],
        match_strength=73.0,
        faces=[{"box": [10, 10, 30, 30], "confidence": 0.99}],
    )


def page(client, prediction, language="ko"):
    return client.get(
        reverse("history:detail", args=[prediction.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()


def test_result_page_leads_with_hero_and_strength_in_natural_korean(client, user, result):
    client.force_login(user)
    html = page(client, result)
    assert "<title>로키를 닮았어요 · " in html
    assert "을(를)" not in html
    # the top hero's card comes before the person's own photo
    assert html.index('id="hero-main"') < html.index('class="card result-photo-card"')
    assert re.search(r'id="main-strength-value">73<', html)
    assert re.search(r'id="main-strength-words">많이 닮았어요<', html)  # 73: strong
    assert html.index('id="main-strength-words"') < html.index('id="main-strength-value"')
    assert "로키와의 닮음 지수가 보통 사람 100명 중 73명보다 높아요." in html
    assert 'id="main-tie"' in html and "거의 똑같이" not in html
    # the calibrated probability stays in the full ranking, with its explanation
    assert "확률: 모든 히어로 가운데" in html
    assert html.count('class="ranking-meter"') == len(result.ranking)


def test_no_model_version_on_the_page(client, user, result):
    result.model_version = "heroes-20261127-8ce50f69"
    result.save()
    client.force_login(user)
    html = page(client, result)
    assert "heroes-20261127" not in html and "모델" not in html


def test_nearly_tied_says_so(client, user, result):
    result.nearly_tied = True
    result.save()
    client.force_login(user)
    assert "로키와 캡틴 아메리카, 거의 똑같이 닮았어요" in page(client, result)
    assert "Loki and Captain America, almost equally" in page(client, result, "en")


def test_older_result_without_strength_still_shows_the_hero(client, user, result):
    result.match_strength = None
    result.ranking = [{k: v for k, v in row.items() if k != "index"} for row in result.ranking]
    result.save()
    client.force_login(user)
    html = page(client, result)
    assert response_ok(client, result)
    assert "로키를 닮았어요" in html
    assert re.search(r'<div class="strength" id="main-strength" hidden>', html)
    assert 'id="main-sentence" hidden' in html


def response_ok(client, prediction):
    return client.get(reverse("history:detail", args=[prediction.pk])).status_code == 200


def test_full_ranking_shows_five_then_a_disclosure(client, user, result):
    client.force_login(user)
    html = page(client, result)
    visible, _, more = html.partition('<details class="ranking-more">')
    assert visible.count('class="ranking-name') == 5
    assert more.count('class="ranking-name') == len(result.ranking) - 5
    assert f"히어로 {len(result.ranking) - 5}명 더 보기" in more


def test_runners_up_are_labelled_by_rank(client, user, result):
    client.force_login(user)
    html = page(client, result)
    labels = re.findall(r'data-label="([^"]+)"', html)
    assert labels == ["두 번째로 닮은 히어로", "세 번째로 닮은 히어로", "네 번째로 닮은 히어로"]


def test_history_list_shows_strength_words_and_face_thumbnails(client, user, result):
    client.force_login(user)
    html = client.get(reverse("history:list")).content.decode()
    assert reverse("history:thumb", args=[result.pk]) in html
    assert reverse("history:photo", args=[result.pk]) not in html
    assert "<strong>많이 닮았어요</strong> · 닮음 지수 73" in html
    assert "거의 똑같이" not in html
    result.nearly_tied = True
    result.save()
    assert (
        "두 히어로를 거의 똑같이 닮았어요" in client.get(reverse("history:list")).content.decode()
    )


def test_empty_history_offers_an_upload_button_and_labels_are_distinct(client, user):
    client.force_login(user)
    html = client.get(reverse("history:list")).content.decode()
    assert f'class="button button-large" href="{reverse("upload")}"' in html
    account_delete = client.get(reverse("accounts:delete")).content.decode()
    assert "계정과 모든 기록 삭제" in account_delete and "모두 삭제<" not in account_delete


def group_photo():
    """Left half red, right half blue; the chosen face is in the blue half."""
    image = Image.new("RGB", (400, 200), (220, 20, 20))
    image.paste((20, 20, 220), (200, 0, 400, 200))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def test_thumbnail_is_cropped_around_the_chosen_face(client, user, hero_keys):
    prediction = Prediction(
        owner=user,
        model_version="test",
        faces=[
            {"box": [40, 60, 60, 60], "confidence": 0.99},  # red side
            {"box": [300, 60, 60, 60], "confidence": 0.98},  # blue side
        ],
        face_index=1,
        ranking=ranking_for(hero_keys),
    )
    prediction.image.save("group.jpg", ContentFile(group_photo()), save=False)
    prediction.save()
    client.force_login(user)

    def mean_colour(url):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        thumb = Image.open(io.BytesIO(response.content)).convert("RGB")
        assert thumb.size == (320, 320)
        pixels = list(thumb.getdata())
        return tuple(sum(p[c] for p in pixels) / len(pixels) for c in range(3))

    url = reverse("history:thumb", args=[prediction.pk])
    red, _green, blue = mean_colour(url)  # the chosen face: blue side
    assert blue > 150 and red < 80
    red, _green, blue = mean_colour(url + "?face=0")
    assert red > 150 and blue < 80
    assert client.get(url + "?face=5").status_code == 404


def test_thumbnail_is_private(client, other_user, result):
    client.force_login(other_user)
    assert client.get(reverse("history:thumb", args=[result.pk])).status_code == 404


def test_share_button_answers_json_without_a_redirect(client, user, result):
    client.force_login(user)
    url = reverse("history:share", args=[result.pk])
    response = client.post(url, {"action": "share"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    result.refresh_from_db()
    assert body["shared"] is True and result.is_shared
    assert body["share_url"].endswith(f"/s/{result.share_token}/")
    assert body["card_url"].endswith(f"/s/{result.share_token}/card.png")
    # without JavaScript the form still works and comes back to the share block
    response = client.post(url, {"action": "share"})
    assert response.status_code == 302 and response.url.endswith("#share")


def test_share_page_title_and_og_title_use_the_right_particle(client, user, result):
    result.top_hero = Hero.objects.get(key="captain-america")
    result.is_shared = True
    result.save()
    html = client.get(
        reverse("heroes:share", args=[result.share_token]), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "<title>캡틴 아메리카를 닮은 사람 · " in html
    assert '<meta property="og:title" content="캡틴 아메리카를 닮은 사람">' in html
    assert "을(를)" not in html
    assert "많이 닮았어요 · 닮음 지수 73/100" in html


def test_share_card_of_a_nearly_tied_result(client, result):
    result.nearly_tied = True
    result.is_shared = True
    result.save()
    for language in ("ko", "en"):
        response = client.get(
            reverse("heroes:share_card", args=[result.share_token]) + f"?lang={language}"
        )
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


@pytest.mark.parametrize("strength", [0.0, 0.3, 8.0, 27.0])
def test_a_low_result_leads_with_words_never_a_bare_zero(client, user, result, strength):
    """The weakest match reads well: words, a true sentence that
    is no put-down, no number beside them, no empty bar, "<1" in the ranking."""
    result.match_strength = strength
    result.ranking = ranking_for([row["hero"] for row in result.ranking], top_index=strength)
    result.save()
    client.force_login(user)
    html = page(client, result)
    words = re.search(r'id="main-strength-words">([^<]+)<', html).group(1)
    assert words in {"은근히 닮았어요", "숨은 닮은꼴이에요"}
    assert re.search(r'id="main-strength-figure" hidden>', html)
    assert re.search(r'<meter class="strength-meter"[^>]* hidden>', html)
    assert "모든 히어로 가운데 로키가 내 얼굴과 가장 닮았어요." in html
    assert "명보다 높아요" not in html
    indices = re.findall(
        r'class="ranking-index"[^>]*><span class="visually-hidden">[^<]*</span>([^<]*)<', html
    )
    assert indices and "0" not in indices
    assert all(re.fullmatch(r"&lt;1|[1-9][0-9]?|100", text) for text in indices)
    # every ranking bar starts below 0, so even "<1" shows a sliver
    assert 'class="ranking-meter" min="-4"' in html
    history = client.get(reverse("history:list")).content.decode()
    assert f">{words}</strong>" in history and "닮음 지수" not in history


def test_one_term_for_the_number_everywhere(client, user, result):
    result.is_shared = True
    result.save()
    client.force_login(user)
    pages = [
        page(client, result),
        client.get(reverse("history:list")).content.decode(),
        client.get(reverse("heroes:share", args=[result.share_token])).content.decode(),
    ]
    for html in pages:
        assert "닮음 지수" in html
        assert "닮은 정도" not in html and "매치 강도" not in html
    english = page(client, result, "en")
    assert "Resemblance score" in english and "Match strength" not in english


def test_faces_are_offered_left_to_right_keeping_the_engine_index(client, user, result):
    """The engine lists faces largest first; the picker shows
    them as they stand in the photo, each posting its own engine index."""
    result.faces = [
        {"box": [40, 5, 20, 20], "confidence": 0.99},  # right, largest
        {"box": [2, 5, 14, 14], "confidence": 0.99},  # left
        {"box": [22, 5, 12, 12], "confidence": 0.98},  # middle
    ]
    result.save()
    client.force_login(user)
    html = page(client, result)
    assert re.findall(r'name="face" value="(\d)"', html) == ["1", "2", "0"]
    assert re.findall(r"왼쪽에서 (\d)번째 얼굴", html) == ["1", "2", "3"]
    current = re.findall(
        r'<input type="hidden" name="face" value="(\d)">\s*<button[^>]*aria-current', html
    )
    assert current == ["0"]


def test_share_page_footer_and_history_dates_and_delete_all(client, user, result):
    """A shared card's page says the truth in its
    footer; the history shows dates as the result page does; "delete all"
    sits after the results, not beside the main button."""
    result.is_shared = True
    result.save()
    shared = client.get(
        reverse("heroes:share", args=[result.share_token]), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    footer = shared[shared.index('<footer class="site-footer">') :]
    assert "사진은 나만 볼 수 있어요" not in footer and "링크는 언제든 끌 수 있어요" in footer
    client.force_login(user)
    history = client.get(reverse("history:list"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    detail = page(client, result)
    listed = re.search(r"<time datetime=\"[^\"]+\">([^<]+)</time>", history).group(1)
    shown = re.search(r"<time datetime=\"[^\"]+\">([^<]+)</time>", detail).group(1)
    assert listed == shown and "년" in listed and ("오전" in listed or "오후" in listed)
    head = history[history.index('<div class="section-head">') : history.index("</div>")]
    assert "모든 결과 삭제" not in head
    assert history.index("모든 결과 삭제") > history.index('class="result-grid"')
