from django.urls import path

from rucher.analytics import views

urlpatterns = [
    path("analytics/", views.dashboard, name="analytics"),
    path("analytics/export/<slug:table>.csv", views.export, name="analytics_export"),
    path(
        "analytics/report-setting/<slug:slug>/",
        views.report_setting,
        name="analytics_report_setting",
    ),
    path("stats/", views.stats, name="stats"),
]
