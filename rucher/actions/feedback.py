"""What an action has just earned the person who took it (points, badges), told to them right
after it: the web views wrap an action in `earnings_watch` and show `earnings_message`."""

from dataclasses import dataclass

from django.db.models import Max, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rucher.accounts.models import User
from rucher.recognition.badges import badge_label, badges_check
from rucher.recognition.models import PointsEntry


@dataclass(frozen=True)
class Earned:
    points: int = 0
    badges: tuple[str, ...] = ()  # their names, in the current language


class EarningsWatch:
    """Notes the person's last ledger row before an action (one query); `earned()` reads what
    came after it (one query) and, when points came, awards the badges they unlock now rather
    than in the background, so that the person hears of them at once (badges_check is
    idempotent: the queued check then finds nothing left to award)."""

    def __init__(self, person: User) -> None:
        self.person = person
        self.mark: int = (
            PointsEntry.objects.filter(person=person.pk).aggregate(last=Max("id"))["last"] or 0
        )

    def earned(self) -> Earned:
        points = (
            PointsEntry.objects.filter(person=self.person.pk, id__gt=self.mark).aggregate(
                total=Sum("points")
            )["total"]
            or 0
        )
        if points <= 0:
            return Earned(points=max(points, 0))
        awarded = badges_check(person_id=self.person.pk)
        return Earned(
            points=points,
            badges=tuple(
                badge_label(row.badge, row.tag.name if row.tag_id else None)  # type: ignore[union-attr]
                for row in awarded
            ),
        )


def earnings_watch(person: User) -> EarningsWatch:
    return EarningsWatch(person)


def earnings_message(earned: Earned) -> str:
    """« +5 points · Badge earned: First post » (empty when nothing was earned)."""
    parts = []
    if earned.points > 0:
        parts.append(
            ngettext("+%(points)d point", "+%(points)d points", earned.points)
            % {"points": earned.points}
        )
    for name in earned.badges:
        parts.append(_("Badge earned: %(badge)s") % {"badge": name})
    return " · ".join(parts)
