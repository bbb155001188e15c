"""Writing to the audit log (never secrets: callers pass identifiers, not passwords)."""

from typing import Any

from django.http import HttpRequest

from rucher.core.clients import client_address
from rucher.core.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    return client_address(request)


def audit_record(
    *,
    action: str,
    actor: Any = None,
    target: str = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        target=target[:200],
        data=data or {},
        ip_address=client_ip(request),
    )
