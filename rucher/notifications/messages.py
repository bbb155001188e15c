"""The sentence and the link of each notification, in the reader's language."""

from collections.abc import Callable
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rucher.content.models import Post
from rucher.notifications.models import Notification

SUBJECT_LENGTH = 60


def _subject(post: Post | None) -> str:
    if post is None:
        return ""
    return Truncator(post.title or post.body).chars(SUBJECT_LENGTH)


# Badge names belong to rucher.recognition, above this app: it registers its labeller from
# RecognitionConfig.ready() (the layers contract, docs/decisions.md).
_badge_label: Callable[[str, str | None], str] | None = None


def badge_labeller_set(labeller: Callable[[str, str | None], str]) -> None:
    global _badge_label
    _badge_label = labeller


def _idea_status_label(code: str) -> str:
    labels = {
        "new": _("new"),
        "under_study": _("under study"),
        "accepted": _("accepted"),
        "done": _("done"),
        "declined": _("declined"),
    }
    return labels.get(code, code)


def _kudos_message(n: Notification, words: dict[str, str], gender: str) -> str:
    if n.data.get("value"):
        words = {**words, "value": str(n.data["value"])}
        if gender == "f":
            text = pgettext(
                "addressed to a woman", "%(actor)s thanked you publicly (%(value)s): “%(post)s”"
            )
        elif gender == "m":
            text = pgettext(
                "addressed to a man", "%(actor)s thanked you publicly (%(value)s): “%(post)s”"
            )
        else:
            text = _("%(actor)s thanked you publicly (%(value)s): “%(post)s”")
        return text % words
    if gender == "f":
        text = pgettext("addressed to a woman", "%(actor)s thanked you publicly: “%(post)s”")
    elif gender == "m":
        text = pgettext("addressed to a man", "%(actor)s thanked you publicly: “%(post)s”")
    else:
        text = _("%(actor)s thanked you publicly: “%(post)s”")
    return text % words


def notification_message(notification: Notification, *, gender: str = "") -> str:
    """E.g. "Camille mentioned you in “Budget 2027”"; plain text (templates escape it).
    `gender` is the recipient's grammatical gender ("f", "m" or "" for neutral wording): French
    agrees with it where the text addresses them ("vous a remerciée")."""
    n = notification
    actor = n.actor.display_name or n.actor.username if n.actor else _("Someone")
    words = {
        "actor": actor,
        "post": _subject(n.post),
        "community": n.community.name if n.community else "",
    }
    kind = n.kind
    if kind == Notification.Kind.MENTION:
        if gender == "f":
            return pgettext("addressed to a woman", "%(actor)s mentioned you in “%(post)s”") % words
        if gender == "m":
            return pgettext("addressed to a man", "%(actor)s mentioned you in “%(post)s”") % words
        return _("%(actor)s mentioned you in “%(post)s”") % words
    if kind == Notification.Kind.COMMENT:
        return _("%(actor)s commented on your post “%(post)s”") % words
    if kind == Notification.Kind.REPLY:
        return _("%(actor)s replied to your comment on “%(post)s”") % words
    if kind == Notification.Kind.LIKE:
        if n.comment_id is not None:  # a like on one's comment (comment_notify_like)
            return _("%(actor)s liked your comment on “%(post)s”") % words
        return _("%(actor)s liked your post “%(post)s”") % words
    if kind == Notification.Kind.JOIN_REQUEST:
        return _("%(actor)s asked to join %(community)s") % words
    if kind == Notification.Kind.JOIN_DECISION:
        if n.data.get("approved"):
            return _("Your request to join %(community)s was approved") % words
        return _("Your request to join %(community)s was rejected") % words
    if kind == Notification.Kind.ANNOUNCEMENT:
        return _("New announcement in %(community)s: “%(post)s”") % words
    if kind == Notification.Kind.READ_REMINDER:
        return _("Reminder: please read “%(post)s”") % words
    if kind == Notification.Kind.ANSWER:
        return _("%(actor)s answered your question “%(post)s”") % words
    if kind == Notification.Kind.ANSWER_ACCEPTED:
        return _("%(actor)s accepted your answer to “%(post)s”") % words
    if kind == Notification.Kind.QUESTION_ROUTED:
        return _("Can you help? “%(post)s” is waiting for an answer") % words
    if kind == Notification.Kind.QUESTION_DUE:
        return _("“%(post)s” in %(community)s is about to miss its answer-time promise") % words
    if kind == Notification.Kind.FIRST_CONTRIBUTION:
        return _("%(actor)s made their first contribution: “%(post)s” — welcome them!") % words
    if kind == Notification.Kind.KUDOS:
        return _kudos_message(n, words, gender)
    if kind == Notification.Kind.IDEA_STATUS:
        # The status label belongs to rucher.toolbox (above): the data carries its code.
        return _("%(actor)s answered the idea “%(post)s”: %(status)s") % {
            **words,
            "status": _idea_status_label(str(n.data.get("status", ""))),
        }
    if kind == Notification.Kind.BADGE:
        code, tag = str(n.data.get("badge", "")), str(n.data.get("tag") or "") or None
        badge = _badge_label(code, tag) if _badge_label is not None else code
        return _("You earned the badge “%(badge)s”") % {"badge": badge}
    if kind == Notification.Kind.WEEKLY_TOP:
        return _("You are number %(rank)s in the top 3 of the week, with %(points)s points") % {
            "rank": n.data.get("rank", ""),
            "points": n.data.get("points", ""),
        }
    if kind == Notification.Kind.SERVICE_REPLY:
        return _("%(actor)s replied to “%(title)s”") % {**words, "title": n.data.get("title", "")}
    if kind == Notification.Kind.SERVICE_ACCEPTED:
        return _("%(actor)s accepted you in “%(title)s”") % {
            **words,
            "title": n.data.get("title", ""),
        }
    if kind == Notification.Kind.EVENT_REMINDER:
        return _("Tomorrow: “%(title)s”") % {"title": n.data.get("title", "")}
    if kind == Notification.Kind.EVENT_CHANGED:
        return _("%(actor)s changed the event “%(title)s”") % {
            **words,
            "title": n.data.get("title", ""),
        }
    if kind == Notification.Kind.EVENT_CANCELLED:
        return _("%(actor)s cancelled the event “%(title)s”") % {
            **words,
            "title": n.data.get("title", ""),
        }
    if kind == Notification.Kind.DESK_BOOKED:
        return _("%(actor)s booked your desk %(desk)s on %(day)s") % {
            **words,
            "desk": n.data.get("desk", ""),
            "day": _day(n.data.get("day")),
        }
    if kind == Notification.Kind.COFFEE:
        return _("%(actor)s proposes a coffee on %(at)s") % {
            **words,
            "at": _moment(n.data.get("at")),
        }
    if kind == Notification.Kind.COFFEE_ANSWER:
        if n.data.get("accepted"):
            return _("%(actor)s accepted your coffee on %(at)s") % {
                **words,
                "at": _moment(n.data.get("at")),
            }
        return _("%(actor)s declined your coffee on %(at)s") % {
            **words,
            "at": _moment(n.data.get("at")),
        }
    if kind == Notification.Kind.WEBHOOK_DISABLED:
        return _("The webhook to %(url)s failed for 24 hours and was disabled") % {
            "url": n.data.get("url", "")
        }
    if kind == Notification.Kind.FEED_PAUSED:
        return _("The watch feed “%(feed)s” failed for 7 days and was paused") % {
            "feed": n.data.get("feed", "")
        }
    return _("New activity")


def _day(value: object) -> str:
    try:
        return date_format(date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return ""


def _moment(value: object) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def notification_url(notification: Notification) -> str:
    n = notification
    if n.post_id is not None:
        anchor = f"#comment-{n.comment_id}" if n.comment_id else ""
        return f"/posts/{n.post_id}/{anchor}"
    if n.kind == Notification.Kind.BADGE and n.data.get("username"):
        return reverse("profile", args=[n.data["username"]])
    if n.kind == Notification.Kind.WEEKLY_TOP:
        return reverse("leaderboard")
    if (
        n.kind in (Notification.Kind.SERVICE_REPLY, Notification.Kind.SERVICE_ACCEPTED)
        and str(n.data.get("service_id", "")).isdigit()
    ):
        return reverse("service", args=[int(n.data["service_id"])])
    if n.kind == Notification.Kind.DESK_BOOKED:
        return reverse("desks")
    if n.data.get("event_id") and n.kind in (
        Notification.Kind.EVENT_REMINDER,
        Notification.Kind.EVENT_CHANGED,
        Notification.Kind.EVENT_CANCELLED,
    ):
        return reverse("event", args=[int(n.data["event_id"])])
    if n.kind in (Notification.Kind.COFFEE, Notification.Kind.COFFEE_ANSWER):
        return reverse("coffee")
    if n.kind == Notification.Kind.WEBHOOK_DISABLED and n.data.get("webhook"):
        return reverse("webhook_detail", args=[n.data["webhook"]])
    if n.kind == Notification.Kind.FEED_PAUSED:
        if n.community is not None:
            return reverse("community_feeds", args=[n.community.slug])
        return reverse("watch")
    if n.community is not None:
        if n.kind == Notification.Kind.JOIN_REQUEST:
            return reverse("community_manage", args=[n.community.slug])
        return reverse("community", args=[n.community.slug])
    return reverse("notifications")
