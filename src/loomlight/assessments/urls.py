from django.urls import path

from loomlight.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.assessment_transition, name="transition"),
    path("<int:pk>/review/<str:question>/", views.answer_review, name="review"),
    path("<int:pk>/files/<int:file_pk>/", views.answer_file, name="file"),
    path("<int:pk>/compare/<int:other>/", views.assessment_compare, name="compare"),
    path("<int:pk>/scorecard.pdf", views.assessment_scorecard, name="scorecard"),
    path("frameworks/<int:pk>/xlsform.xlsx", views.framework_xlsform, name="xlsform"),
    path("frameworks/<int:pk>/import/", views.framework_import, name="import"),
    path("<int:pk>/actions/", views.action_from_question, name="action_create"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/file/", views.action_file, name="action_file"),
    path("parks/<int:pk>/tenants/", views.park_tenants, name="park_tenants"),
    path("parks/<int:pk>/plans/", views.park_plans, name="park_plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
]
