"""The blog: articles with a re-encoded cover, reading time, contents, drafts, the community
blog tab and a person's blog (only what the viewer may read)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from rucher.content.models import Post
from rucher.toolbox import selectors
from rucher.toolbox.models import ArticleCover, ArticleDraft
from tests.toolbox.conftest import png_bytes, publish

pytestmark = pytest.mark.django_db

LONG_BODY = "\n\n".join(f"## Part {n}\n\n" + " ".join(["word"] * 250) for n in range(1, 5))


def _upload(data: bytes, name: str = "cover.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_it_publishes_an_article_with_a_reencoded_cover(world, open_club, web):
    author = world.people["member"]
    big = io.BytesIO()
    Image.new("RGB", (3200, 1200), (10, 200, 30)).save(big, format="PNG")
    response = web(author).post(
        f"/c/{open_club.slug}/blog/new/",
        {
            "title": "Our bees",
            "body": LONG_BODY,
            "cover": _upload(big.getvalue()),
            "action": "publish",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(title="Our bees")
    assert post.kind == "article"
    cover = ArticleCover.objects.get(post=post)
    assert (cover.width, cover.height) == (1600, 600)
    served = web(world.people["outsider"]).get(f"/posts/{post.pk}/cover.jpg")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"  # a JPEG, not the PNG sent
    page = web(world.people["manager"]).get(f"/posts/{post.pk}/")
    assert "6 min read" in page.text  # 1,008 words at 200 a minute
    assert 'id="section-1"' in page.text and 'href="#section-4"' in page.text
    blog = web(world.people["manager"]).get(f"/c/{open_club.slug}/blog/")
    assert "Our bees" in blog.text
    profile_blog = web(world.people["manager"]).get(f"/people/{author.username}/blog/")
    assert "Our bees" in profile_blog.text


@pytest.mark.parametrize(
    "data",
    [b"not an image at all", b"GIF89a" + b"\x00" * 20],
)
def test_it_refuses_a_cover_that_is_not_an_image(world, open_club, web, data):
    response = web(world.people["member"]).post(
        f"/c/{open_club.slug}/blog/new/",
        {"title": "Broken", "body": "Text", "cover": _upload(data), "action": "publish"},
    )
    assert response.status_code == 400
    assert "JPEG, PNG, GIF or WebP" in response.text
    assert not Post.objects.filter(title="Broken").exists()


def test_it_refuses_a_decompression_bomb_or_a_too_large_cover(world, open_club, web):
    client = web(world.people["member"])
    with override_settings(RUCHER_IMAGE_MAX_PIXELS=1000):
        response = client.post(
            f"/c/{open_club.slug}/blog/new/",
            {"title": "Bomb", "body": "Text", "cover": _upload(png_bytes(100, 100))},
        )
    assert response.status_code == 400
    assert "too large" in response.text
    with override_settings(RUCHER_ATTACHMENT_MAX_BYTES=10):
        response = client.post(
            f"/c/{open_club.slug}/blog/new/",
            {"title": "Heavy", "body": "Text", "cover": _upload(png_bytes())},
        )
    assert response.status_code == 400
    assert not Post.objects.filter(title__in=["Bomb", "Heavy"]).exists()
    assert not ArticleDraft.objects.exists()


def test_a_draft_is_seen_by_its_author_only_then_published(world, open_club, web):
    author = world.people["member"]
    client = web(author)
    response = client.post(
        f"/c/{open_club.slug}/blog/new/",
        {"title": "Secret plan", "body": "Soon", "cover": _upload(png_bytes()), "action": "draft"},
    )
    assert response.status_code == 302
    draft = ArticleDraft.objects.get()
    assert not Post.objects.filter(title="Secret plan").exists()
    assert "Secret plan" in client.get(f"/people/{author.username}/blog/").text
    other = web(world.people["manager"])
    assert "Secret plan" not in other.get(f"/people/{author.username}/blog/").text
    assert "Secret plan" not in other.get(f"/c/{open_club.slug}/blog/").text
    assert other.get(f"/drafts/{draft.pk}/").status_code == 404
    assert other.get(f"/drafts/{draft.pk}/cover.jpg").status_code == 404
    assert client.get(f"/drafts/{draft.pk}/cover.jpg").status_code == 200
    response = client.post(
        f"/drafts/{draft.pk}/", {"title": "Secret plan", "body": "Now", "action": "publish"}
    )
    assert response.status_code == 302
    post = Post.objects.get(title="Secret plan")
    assert ArticleCover.objects.filter(post=post).exists()
    assert not ArticleDraft.objects.exists()
    assert "Secret plan" in other.get(f"/c/{open_club.slug}/blog/").text


def test_a_persons_blog_never_shows_articles_the_viewer_cannot_read(world, open_club, web):
    author = world.people["member"]
    publish(author, open_club, "article", "For everyone")
    publish(author, world.communities["private"], "article", "Members only")
    outsider_view = web(world.people["outsider"]).get(f"/people/{author.username}/blog/")
    assert "For everyone" in outsider_view.text
    assert "Members only" not in outsider_view.text
    page = selectors.person_blog_page(world.people["manager"], author)
    assert {p.title for p in page.items} == {"For everyone", "Members only"}


def test_outsiders_cannot_write_in_a_private_blog_or_see_its_covers(world, web):
    private = world.communities["private"]
    post = publish(world.people["member"], private, "article", "Inside")
    assert web(world.people["outsider"]).get(f"/posts/{post.pk}/cover.jpg").status_code == 404
    response = web(world.people["outsider"]).post(
        f"/c/{private.slug}/blog/new/", {"title": "Intruder", "body": "x"}
    )
    assert response.status_code == 404
    assert not Post.objects.filter(title="Intruder").exists()


def test_the_blog_pages_have_a_query_budget(world, open_club, web, django_assert_max_num_queries):
    author = world.people["member"]
    for n in range(12):
        publish(author, open_club, "article", f"Article {n}")
    client = web(world.people["manager"])
    client.get(f"/c/{open_club.slug}/blog/")
    with django_assert_max_num_queries(14) as few:
        assert client.get(f"/c/{open_club.slug}/blog/").status_code == 200
    with django_assert_max_num_queries(14) as few_person:
        assert client.get(f"/people/{author.username}/blog/").status_code == 200
    publish(author, open_club, "article", "One more")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/c/{open_club.slug}/blog/")
    with django_assert_max_num_queries(len(few_person.captured_queries)):
        client.get(f"/people/{author.username}/blog/")
