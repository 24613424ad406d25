from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from loomlight.accounts.forms import AdminLoginForm
from loomlight.site import views

admin.site.login_form = AdminLoginForm  # the operator's login shows the throttle's message too

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("loomlight.api.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    path("account/", views.account, name="account"),
    path("", include("loomlight.accounts.urls")),  # login, logout, password change and reset
    path("registry/", include("loomlight.registry.urls")),
    path("audit/", include("loomlight.audit.urls")),
    path("data/", include("loomlight.reporting.urls")),
    path("wastewater/", include("loomlight.wastewater.urls")),
    path("chemicals/", include("loomlight.chemicals.urls")),
    path("evidence/", include("loomlight.evidence.urls")),
    path("emissions/", include("loomlight.inventories.urls")),
    path("notifications/", include("loomlight.notifications.urls")),
    path("assessments/", include("loomlight.assessments.urls")),
    path("cases/", include("loomlight.interventions.urls")),
    path("biomass/", include("loomlight.biomass.urls")),
    path("consultations/", include("loomlight.consultations.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("operator/", admin.site.urls),
]
