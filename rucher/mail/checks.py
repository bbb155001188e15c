"""System checks of received email, run by `rucher check --deploy`."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

W001 = "rucher.mail.W001"


@register(Tags.security, deploy=True)
def check_plain_community_addresses(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Plain community addresses without the MTA's DKIM/DMARC verdict publish on the word of a
    forgeable `From:` header: anyone can post as anyone, secret communities included."""
    plain = bool(getattr(settings, "RUCHER_MAILIN_PLAIN_COMMUNITY_ADDRESSES", False))
    authserv = str(getattr(settings, "RUCHER_MAILIN_AUTHSERV_ID", "") or "").strip()
    if plain and not authserv:
        return [
            Warning(
                "Received email accepts the plain community addresses (<slug>@) on the word of "
                "the From header alone, which anyone can forge to post as any member.",
                hint="Set RUCHER_MAILIN_AUTHSERV_ID to your MTA's authserv-id (DKIM/DMARC "
                "checked), or unset RUCHER_MAILIN_PLAIN_COMMUNITY_ADDRESSES so that members "
                "use their personal posting addresses (docs/mail.md).",
                id=W001,
            )
        ]
    return []
