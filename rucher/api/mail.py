"""API: email preferences (API.md, "Email"; F-EMAIL-NOTIFY).

`GET/PATCH /api/v1/me/notification-settings`: one field per notification kind
(immediate | daily | weekly | never) plus "digest" (daily | weekly | never). The schemas are
built from the kinds, so a new notification kind appears here by itself; an unknown kind or
value is a 422 naming the field, and nothing is saved.
"""

from typing import Any, Literal

from ninja import Router, Schema
from pydantic import create_model

from rucher.api.auth import AuthedRequest
from rucher.api.schemas import ERRORS, ErrorOut, InputSchema
from rucher.mail import preferences

router = Router(tags=["mail"])

AnyDelivery = Literal["immediate", "daily", "weekly", "never"]
DigestDelivery = Literal["daily", "weekly", "never"]


def _delivery_type(kind: str) -> Any:
    return DigestDelivery if kind == preferences.DIGEST else AnyDelivery


# Every field optional on input (PATCH changes only what it names), explicit null refused.
_fields_in: dict[str, Any] = {
    kind: (_delivery_type(kind), None) for kind in preferences.preference_kinds()
}
_fields_out: dict[str, Any] = {
    kind: (_delivery_type(kind), ...) for kind in preferences.preference_kinds()
}
NotificationSettingsIn: Any = create_model(
    "NotificationSettingsIn", __base__=InputSchema, **_fields_in
)
NotificationSettingsOut: Any = create_model(
    "NotificationSettingsOut", __base__=Schema, **_fields_out
)


@router.get(
    "/me/notification-settings",
    response={200: NotificationSettingsOut, ERRORS: ErrorOut},
)
def notification_settings(request: AuthedRequest) -> dict[str, str]:
    return preferences.deliveries_for(request.auth)


@router.patch(
    "/me/notification-settings",
    response={200: NotificationSettingsOut, ERRORS: ErrorOut},
)
def notification_settings_update(
    request: AuthedRequest,
    payload: NotificationSettingsIn,
) -> dict[str, str]:
    changes = payload.model_dump(exclude_unset=True)
    return preferences.preferences_set(person=request.auth, changes=changes)
