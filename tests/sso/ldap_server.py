"""A real slapd (Debian's OpenLDAP server) started for the LDAP tests with the small
directory of tests/fixtures/ldap/directory.ldif. Skipped cleanly when slapd is not installed
here (CI installs it: .ci/run)."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LDIF = ROOT / "tests" / "fixtures" / "ldap" / "directory.ldif"
SLAPD = "/usr/sbin/slapd"
BASE = "dc=example,dc=org"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PASSWORD = "directory-secret"

CONFIG = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile {folder}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "{base}"
rootdn "{root_dn}"
rootpw {root_password}
directory {folder}/data
maxsize 10485760
"""


@dataclass(frozen=True)
class Directory:
    uri: str
    base: str = BASE
    root_dn: str = ROOT_DN
    root_password: str = ROOT_PASSWORD


def available() -> bool:
    return Path(SLAPD).exists() and shutil.which("ldapadd") is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def slapd(folder: Path) -> Iterator[Directory]:
    (folder / "data").mkdir(parents=True)
    config = folder / "slapd.conf"
    config.write_text(
        CONFIG.format(folder=folder, base=BASE, root_dn=ROOT_DN, root_password=ROOT_PASSWORD)
    )
    port = _free_port()
    uri = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen(
        [SLAPD, "-f", str(config), "-h", f"{uri}/", "-d", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    raise RuntimeError(f"slapd did not start:\n{output}") from None
                time.sleep(0.1)
        subprocess.run(
            ["ldapadd", "-x", "-H", uri, "-D", ROOT_DN, "-w", ROOT_PASSWORD, "-f", str(LDIF)],
            check=True,
            capture_output=True,
        )
        yield Directory(uri=uri)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
