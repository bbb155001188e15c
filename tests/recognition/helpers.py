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


def run_in_threads(functions, *, timeout: float = 60):
    """Runs the functions at the same instant in threads (each with its own database
    connection, closed afterwards) and returns the exceptions they raised."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait(timeout=timeout / 3)
            function()
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors
