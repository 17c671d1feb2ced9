from django.urls import path

from heroes import views

app_name = "heroes"

urlpatterns = [
    path("heroes/", views.hero_list, name="list"),
    path("heroes/<slug:key>/", views.hero_detail, name="detail"),
    path("heroes/<slug:key>/portrait/", views.hero_portrait, name="portrait"),
    path("heroes/reference/<str:pk>/", views.reference_image, name="reference_image"),
    path("s/<str:token>/", views.share_page, name="share"),
    path("s/<str:token>/card.png", views.share_card, name="share_card"),
    path("s/<str:token>/card-<int:width>w.webp", views.share_card_webp, name="share_card_webp"),
]
