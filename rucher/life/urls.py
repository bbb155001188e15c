"""Web URLs of everyday life: services, desk sharing, coffee proposals."""

from django.urls import URLPattern, URLResolver, path

from rucher.life import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("services/", views.services_list, name="services"),
    path("services/new/", views.service_new, name="service_new"),
    path("services/<int:service_id>/", views.service_detail, name="service"),
    path("services/<int:service_id>/reply", views.service_reply, name="service_reply"),
    path("services/<int:service_id>/close", views.service_close, name="service_close"),
    path(
        "services/<int:service_id>/replies/<int:reply_id>/accept",
        views.service_reply_accept,
        name="service_reply_accept",
    ),
    path("services/<int:service_id>/report/", views.service_report, name="service_report"),
    path("moderation/services/<int:service_id>/hide", views.service_hide, name="service_hide"),
    path(
        "moderation/services/<int:service_id>/restore",
        views.service_restore,
        name="service_restore",
    ),
    path(
        "moderation/service-reports/<int:report_id>/dismiss",
        views.service_report_dismiss,
        name="service_report_dismiss",
    ),
    path("desks/", views.desks, name="desks"),
    path("desks/import/", views.desks_import, name="desks_import"),
    path("desks/sites/<int:site_id>/week/", views.desks_week, name="desks_week"),
    path("desks/<int:desk_id>/book", views.desk_book, name="desk_book"),
    path("desks/<int:desk_id>/offer", views.desk_offer, name="desk_offer"),
    path(
        "desks/offers/<int:offer_id>/withdraw",
        views.desk_offer_withdraw,
        name="desk_offer_withdraw",
    ),
    path("desks/bookings/<int:booking_id>/cancel", views.booking_cancel, name="booking_cancel"),
    path("desks/floors/<int:floor_id>/plan", views.floor_plan, name="floor_plan"),
    path("coffee/", views.coffee, name="coffee"),
    path("coffee/<int:coffee_id>/answer", views.coffee_answer, name="coffee_answer"),
    path("people/<str:username>/coffee", views.coffee_propose, name="coffee_propose"),
]
