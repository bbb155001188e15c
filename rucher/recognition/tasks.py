"""Background jobs of recognition: each one is one call into a service."""

from django.tasks import task

from rucher.recognition import badges, services


@task
def notify_first_contribution(post_id: int) -> None:
    services.first_contribution_notify(post_id=post_id)


@task
def badges_check_task(person_id: int) -> None:
    badges.badges_check(person_id=person_id)
