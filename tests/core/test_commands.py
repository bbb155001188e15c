"""The `rucher` console command."""

import sys

import pytest
from django.core.management import call_command

from rucher import cli
from rucher.accounts.models import User


@pytest.mark.django_db
def test_it_creates_a_superuser_without_input(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.org")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-and-unusual-passphrase")
    call_command("createsuperuser", "--noinput")
    root = User.objects.get(username="root")
    assert root.is_superuser and root.is_staff and root.is_active
    assert root.email == "root@example.org"
    assert root.display_name == "root"
    assert root.sort_name == "root"
    assert root.check_password("a-long-and-unusual-passphrase")
    assert root.password.startswith("argon2")


def test_it_dispatches_to_management_commands_from_the_console(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["rucher", "help", "demo"])
    cli.main()
    assert "Load the demo organisation" in capsys.readouterr().out
