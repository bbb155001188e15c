"""Web URLs of email: one's email preferences, and the one-click unsubscribe link."""

from django.urls import URLPattern, path

from rucher.mail import views

urlpatterns: list[URLPattern] = [
    path("settings/email/", views.email_settings, name="email_settings"),
    path(
        "settings/email/posting/<str:slug>/",
        views.posting_address_change,
        name="posting_address_change",
    ),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="mail_unsubscribe"),
]
