"""Content fixtures: the communities world with one post (and its file) in each community."""

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from rucher.actions import comments as comment_actions
from rucher.actions import posts as post_actions
from rucher.content import attachments as uploads
from tests.communities.personas import VISIBILITIES, World, build_world
from tests.shared import shared_fixture


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 150, 0)).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@dataclass
class Content:
    world: World
    posts: dict
    attachments: dict
    comments: dict


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def client_for():
    def make(person=None, *, language="en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if person is not None:
            client.force_login(person)
        return client

    return make


def build_content(world: World) -> Content:
    owner = world.people["owner"]
    posts, attachments, comments = {}, {}, {}
    for visibility in VISIBILITIES:
        community = world.communities[visibility]
        attachment = uploads.attachment_upload(
            uploader=owner, file=upload(f"{visibility}.png", png_bytes())
        )
        post = post_actions.post_publish(
            author=owner,
            communities=[community],
            title=f"{visibility} title",
            body=f"Hello {visibility} world",
            attachment_ids=[attachment.pk],
        )
        posts[visibility] = post
        attachments[visibility] = attachment
        comments[visibility] = comment_actions.comment_publish(
            author=owner, post=post, body=f"first comment in {visibility}"
        )
    return Content(world=world, posts=posts, attachments=attachments, comments=comments)


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


@shared_fixture
def content(world):
    return build_content(world)
