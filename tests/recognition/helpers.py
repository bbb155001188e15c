"""Shortcuts to read earned reputation in tests."""

from django.db.models import Sum

from rucher.recognition.models import ReputationEvent, SkillReputation


def reputation(person, slug: str) -> int:
    row = SkillReputation.objects.filter(person=person, tag__slug=slug).first()
    return row.reputation if row else 0


def assert_ledger_consistent() -> None:
    """Every total equals the sum of its events (and no event lacks a total)."""
    sums = {
        (r["person_id"], r["tag_id"]): r["total"]
        for r in ReputationEvent.objects.values("person_id", "tag_id").annotate(total=Sum("points"))
    }
    totals = {(r.person_id, r.tag_id): r.reputation for r in SkillReputation.objects.all()}
    for key, total in sums.items():
        assert totals.get(key) == total, key
    for key, value in totals.items():
        assert value == sums.get(key, 0), key
