from django.urls import path

from loomlight.consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.public_list, name="public"),
    path("<int:pk>/", views.period, name="period"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.period_new, name="period_new"),
    path("manage/<int:pk>/", views.period_comments, name="period_comments"),
    path("manage/<int:pk>/close/", views.period_close, name="period_close"),
    path("manage/<int:pk>/comments.<str:fmt>", views.export, name="export"),
    path("manage/comment/<int:pk>/mark/", views.comment_mark, name="comment_mark"),
    path("manage/comment/<int:pk>/redact/", views.comment_redact, name="comment_redact"),
]
