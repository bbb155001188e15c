from django.contrib.auth import views as auth_views
from django.urls import path

from rucher.accounts import oidc, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.login_view, name="login"),
    path("oidc/authenticate/", oidc.RequestView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/password_reset.txt",
            html_email_template_name="accounts/email/password_reset.html",
            subject_template_name="accounts/email/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("charter/", views.charter, name="charter"),
    path("charter/publish/", views.charter_publish, name="charter_publish"),
    path("people/", views.directory, name="directory"),
    # Outside /people/<username>/: a colleague named "suggest" keeps their profile.
    path("suggest/people/", views.people_suggest, name="people_suggest"),
    path("suggest/mentions/", views.mention_suggest, name="mention_suggest"),
    path("people/<str:username>/", views.profile, name="profile"),
    path("people/<str:username>/photo", views.profile_photo, name="profile_photo"),
    path("people/<str:username>/follow", views.follow_toggle, name="follow_toggle"),
    path("people/<str:username>/administer", views.person_administer, name="person_administer"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/profile/", views.profile_edit, name="profile_edit"),
    path("settings/photo/", views.photo_upload, name="photo_upload"),
    path("i18n/language/", views.set_language, name="set_language"),
]
