import pytest

from tests.toolbox.conftest import open_club, private_club, web, world  # noqa: F401


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    """Each test sees only its own stored files (nothing half-written is checked on disk)."""
    settings.MEDIA_ROOT = tmp_path / "media"
