"""Posts of kind article, discussion and idea written before the toolbox get their rows."""

from django.db import migrations


def backfill(apps, schema_editor):  # noqa: ANN001, ANN201 - migration signature
    PostCommunity = apps.get_model("content", "PostCommunity")
    Comment = apps.get_model("content", "Comment")
    Article = apps.get_model("toolbox", "Article")
    Idea = apps.get_model("toolbox", "Idea")
    Topic = apps.get_model("toolbox", "Topic")
    rows = PostCommunity.objects.filter(post__kind__in=["article", "idea", "discussion"])
    for post_id, community_id, at, kind in rows.values_list(
        "post_id", "community_id", "created_at", "post__kind"
    ).iterator():
        if kind == "article":
            Article.objects.get_or_create(
                post_id=post_id, community_id=community_id, defaults={"published_at": at}
            )
        elif kind == "idea":
            Idea.objects.get_or_create(
                post_id=post_id, community_id=community_id, defaults={"created_at": at}
            )
        else:
            last = (
                Comment.objects.filter(post_id=post_id, hidden_at__isnull=True)
                .order_by("-created_at", "-id")
                .values_list("created_at", "author_id")
                .first()
            )
            Topic.objects.get_or_create(
                post_id=post_id,
                community_id=community_id,
                defaults={
                    "last_activity_at": last[0] if last else at,
                    "last_replier_id": last[1] if last else None,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("toolbox", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
