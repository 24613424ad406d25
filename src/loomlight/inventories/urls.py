from django.urls import path

from loomlight.inventories import views

app_name = "inventories"
urlpatterns = [
    path("facilities/<int:pk>/", views.facility_emissions, name="facility"),
    path("facilities/<int:pk>/<int:year>/", views.facility_emissions, name="facility_year"),
    path("facilities/<int:pk>/<int:year>/target/", views.target_set, name="target"),
    path("facilities/<int:pk>/<int:year>/<int:month>/explanation/", views.month_explanation, name="explanation"),
    path("facilities/<int:pk>/<int:year>/inventory.<str:fmt>", views.facility_emissions_download, name="facility_download"),
    path("parks/<int:pk>/", views.portfolio_emissions, {"scope": "park"}, name="park"),
    path("parks/<int:pk>/<int:year>/", views.portfolio_emissions, {"scope": "park"}, name="park_year"),
    path("parks/<int:pk>/<int:year>/inventory.<str:fmt>", views.portfolio_download, {"scope": "park"}, name="park_download"),
    path("programmes/<int:pk>/", views.portfolio_emissions, {"scope": "programme"}, name="programme"),
    path("programmes/<int:pk>/<int:year>/", views.portfolio_emissions, {"scope": "programme"}, name="programme_year"),
    path("programmes/<int:pk>/<int:year>/inventory.<str:fmt>", views.portfolio_download, {"scope": "programme"},
         name="programme_download"),
]
