"""`rucher ldap_sync`: the nightly LDAP / Active Directory synchronisation, run now."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rucher.actions.sso import directory_sync


class Command(BaseCommand):
    help = "Synchronise the people who sign in through LDAP with the directory now."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "AUTH_LDAP_SERVER_URI", ""):
            raise CommandError("LDAP is not configured (RUCHER_LDAP_SERVER_URI).")
        counts = directory_sync()
        if counts["skipped"] == -1:
            raise CommandError("The directory cannot be reached: nothing was changed.")
        self.stdout.write(
            f"updated {counts['updated']}, deactivated {counts['deactivated']}, "
            f"skipped {counts['skipped']}"
        )
