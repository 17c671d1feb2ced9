from django.urls import path

from history import views

app_name = "history"

urlpatterns = [
    path("", views.history_list, name="list"),
    path("delete-all/", views.history_delete_all, name="delete_all"),
    path("<str:pk>/", views.history_detail, name="detail"),
    path("<str:pk>/photo/", views.photo, name="photo"),
    path("<str:pk>/thumb.jpg", views.thumbnail, name="thumb"),
    path("<str:pk>/delete/", views.history_delete, name="delete"),
    path("<str:pk>/face/", views.history_choose_face, name="choose_face"),
    path("<str:pk>/share/", views.history_share, name="share"),
    path("<str:pk>/keep-face/", views.history_keep_face, name="keep_face"),
]
