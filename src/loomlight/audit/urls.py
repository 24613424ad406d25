from django.urls import path

from loomlight.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("audit-trail.csv", views.audit_download, name="download"),
]
