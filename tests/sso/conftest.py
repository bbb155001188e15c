"""A real OpenID Connect provider (django-oauth-toolkit, tests/fixtures/oidc_provider) started
in its own process for the session, and Rucher configured to use it."""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
REDIRECT_URI = "http://testserver/oidc/callback/"


@dataclass(frozen=True)
class Provider:
    base: str
    issuer: str
    private_key_pem: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    port = _free_port()
    env = {
        **os.environ,
        "OIDC_PROVIDER_DB": str(tmp_path_factory.mktemp("oidc") / "provider.sqlite3"),
        "OIDC_PROVIDER_RSA_KEY": pem,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fixtures.oidc_provider.run", str(port), REDIRECT_URI],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                process.kill()
                pytest.fail(f"the OIDC provider did not start:\n{output}")
            time.sleep(0.2)
    base = f"http://127.0.0.1:{port}"
    try:
        yield Provider(base=base, issuer=f"{base}/o", private_key_pem=pem)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def oidc(settings, oidc_provider):
    settings.RUCHER_OIDC_ISSUER = oidc_provider.issuer
    settings.RUCHER_OIDC_CLIENT_ID = "rucher"
    settings.RUCHER_OIDC_CLIENT_SECRET = "rucher-secret"
    settings.RUCHER_OIDC_PROVIDER_NAME = "Test IdP"
    settings.RUCHER_OIDC_SITE_CLAIM = "office"
    settings.RUCHER_OIDC_ALLOWED_DOMAINS = ""
    return oidc_provider


@pytest.fixture(scope="session")
def ldap_directory(tmp_path_factory):
    from tests.sso import ldap_server

    if not ldap_server.available():
        pytest.skip("slapd is not installed here (CI installs it: .ci/run)")
    with ldap_server.slapd(tmp_path_factory.mktemp("slapd")) as directory:
        yield directory


@pytest.fixture
def ldap_settings(settings, ldap_directory):
    """Rucher configured for the test directory exactly as RUCHER_LDAP_* would."""
    from rucher.accounts.ldap_config import ldap_settings as build

    env = {
        "RUCHER_LDAP_SERVER_URI": ldap_directory.uri,
        "RUCHER_LDAP_BIND_DN": ldap_directory.root_dn,
        "RUCHER_LDAP_BIND_PASSWORD": ldap_directory.root_password,
        "RUCHER_LDAP_USER_SEARCH_BASE": f"ou=people,{ldap_directory.base}",
        "RUCHER_LDAP_USER_FILTER": "(uid=%(user)s)",
        "RUCHER_LDAP_GROUP_SEARCH_BASE": f"ou=groups,{ldap_directory.base}",
        "RUCHER_LDAP_GROUP_TYPE": "groupOfNames",
        "RUCHER_LDAP_ADMIN_GROUP": f"cn=rucher-admins,ou=groups,{ldap_directory.base}",
        "RUCHER_LDAP_COMMUNITY_GROUPS": f"cn=developers,ou=groups,{ldap_directory.base}|developers",
        "RUCHER_LDAP_TIMEOUT": "2",
    }
    for name, value in build(env).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "rucher.actions.sso.DirectoryBackend",
    ]
    return ldap_directory
