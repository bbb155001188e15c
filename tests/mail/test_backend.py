"""EMAIL_URL: the schemes, and the development backend writing one .eml file per message."""

import email
from email import policy

import pytest
from django.core.mail import EmailMultiAlternatives, InvalidMailer, mailers

from rucher.core.email import EmlFileBackend
from rucher.settings import parse_email_url


def test_file_urls_use_one_eml_file_per_message(tmp_path):
    config = parse_email_url(f"file://{tmp_path}")
    assert config == {
        "BACKEND": "rucher.core.email.EmlFileBackend",
        "OPTIONS": {"file_path": str(tmp_path)},
    }


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("smtp://mx.example.com:2525", {"host": "mx.example.com", "port": 2525}),
        ("smtp+tls://u%40x:p%2Fw@mx:587", {"use_tls": True, "username": "u@x", "password": "p/w"}),
        ("smtp+ssl://mx", {"use_ssl": True, "port": 465}),
        ("smtp://localhost", {"port": 25, "use_tls": False, "use_ssl": False}),
    ],
)
def test_smtp_urls(url, options):
    config = parse_email_url(url)
    assert config["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert options.items() <= config["OPTIONS"].items()


def test_an_unknown_scheme_is_refused():
    with pytest.raises(RuntimeError):
        parse_email_url("carrier-pigeon://roof")


def test_the_eml_backend_writes_readable_messages(tmp_path, settings):
    settings.MAILERS = {"default": parse_email_url(f"file://{tmp_path / 'mail'}")}
    messages = []
    for i in range(2):
        message = EmailMultiAlternatives(f"Hello {i}", "Text é", "a@example.org", ["b@example.org"])
        message.attach_alternative("<p>HTML é</p>", "text/html")
        messages.append(message)
    assert mailers.default.send_messages(messages) == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    assert not list((tmp_path / "mail").glob("*.tmp"))
    subjects = set()
    for path in files:
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        subjects.add(parsed["Subject"])
        assert parsed.get_body(("plain",)).get_content().strip() == "Text é"
        assert parsed.get_body(("html",)).get_content().strip() == "<p>HTML é</p>"
    assert subjects == {"Hello 0", "Hello 1"}


def test_the_eml_backend_needs_a_folder(tmp_path):
    with pytest.raises(InvalidMailer):
        EmlFileBackend(alias="default")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InvalidMailer):
        EmlFileBackend(alias="default", file_path=blocker / "mail")
