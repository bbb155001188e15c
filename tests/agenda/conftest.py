from tests.toolbox.conftest import open_club, private_club, web, world  # noqa: F401
