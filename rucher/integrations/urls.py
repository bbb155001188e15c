"""Web URLs of integrations."""

from django.urls import URLPattern, URLResolver, path

from rucher.integrations import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("integrations/webhooks/", views.webhooks, name="webhooks"),
    path("integrations/webhooks/<int:webhook_id>/", views.webhook_detail, name="webhook_detail"),
    path("integrations/webhooks/<int:webhook_id>/test", views.webhook_test, name="webhook_test"),
    path(
        "integrations/webhooks/<int:webhook_id>/enable", views.webhook_enable, name="webhook_enable"
    ),
    path(
        "integrations/webhooks/<int:webhook_id>/delete", views.webhook_delete, name="webhook_delete"
    ),
    path("c/<str:slug>/integrations/", views.community_integrations, name="community_integrations"),
    path(
        "integrations/incoming-tokens/<int:token_id>/revoke",
        views.incoming_token_revoke,
        name="incoming_token_revoke",
    ),
    path("integrations/tokens/", views.tokens_admin, name="tokens_admin"),
    path(
        "integrations/tokens/<int:token_id>/revoke",
        views.token_revoke_admin,
        name="token_revoke_admin",
    ),
]
