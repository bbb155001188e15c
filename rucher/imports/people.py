"""People from a CSV (F-IMPORT): username, email, first_name/last_name or display_name,
department, site, job_title, manager (a username, in the file or already here). Idempotent by
username: a person already here is skipped (their profile is not overwritten)."""

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rucher.accounts import services as accounts
from rucher.accounts.models import User
from rucher.imports.models import ExternalRef
from rucher.imports.readers import Report, read_csv

SOURCE = "people_csv"
FILE = "people.csv"


def import_people(
    raw: IO[bytes], *, actor: User, report: Report, progress: Any, total: int
) -> None:
    parsed = read_csv(raw, required=("username", "email"), file_label=FILE)
    seen: set[str] = set()
    managers: list[tuple[int, str, int]] = []  # (person pk, manager username, line)
    done = 0
    for line, row in parsed.rows:
        done += 1
        if done % 200 == 0:
            progress(done, total)
        if "__error__" in row:
            report.reject(file=FILE, row=line, reason=row["__error__"])
            break
        username = row.get("username", "").strip()
        key = username.lower()
        if key in seen:
            report.reject(
                file=FILE,
                row=line,
                reason=_("Duplicate username “%(u)s” in the file.") % {"u": username[:60]},
            )
            continue
        seen.add(key)
        if username and User.objects.filter(username__iexact=username).exists():
            report.skipped["people"] += 1
            continue
        display = row.get("display_name", "").strip() or " ".join(
            part
            for part in (row.get("first_name", "").strip(), row.get("last_name", "").strip())
            if part
        )
        try:
            with transaction.atomic():
                person = accounts.person_create(
                    username=username,
                    email=row.get("email", ""),
                    display_name=display or username,
                    department=row.get("department", "").strip(),
                    site=row.get("site", "").strip(),
                    job_title=row.get("job_title", "").strip(),
                )
                ExternalRef.objects.create(
                    source=SOURCE, kind="user", external_id=key[:100], object_id=person.pk
                )
        except ValidationError as exc:
            reason = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            report.reject(file=FILE, row=line, reason=reason)
            continue
        report.created["people"] += 1
        if row.get("manager", "").strip():
            managers.append((person.pk, row["manager"].strip(), line))
    # Managers last: a manager may come later in the file than the people reporting to them.
    for person_pk, manager_username, line in managers:
        manager = User.objects.filter(username__iexact=manager_username).first()
        if manager is None or manager.pk == person_pk:
            report.reject(
                file=FILE,
                row=line,
                reason=_("Unknown manager “%(u)s”: the person was imported without one.")
                % {"u": manager_username[:60]},
            )
            continue
        User.objects.filter(pk=person_pk).update(manager=manager)
