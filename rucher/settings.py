"""Django settings for Rucher: every value comes from the environment, with an embedded default.

`RUCHER_ENV=production` switches on the hardened mode that passes `rucher check --deploy`.
"""

import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RUCHER_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


RUCHER_ENV = os.environ.get("RUCHER_ENV", "development")
PRODUCTION = RUCHER_ENV == "production"
TESTING = "pytest" in sys.modules or os.environ.get("RUCHER_TESTING") == "1"

DEBUG = env_bool("DEBUG", not PRODUCTION and not TESTING)

_DEV_SECRET = "django-insecure-rucher-development-only-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise RuntimeError("SECRET_KEY must be set to 50 or more random characters in production.")

RUCHER_BASE_URL = os.environ.get("RUCHER_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
RUCHER_MAIL_DOMAIN = os.environ.get(
    "RUCHER_MAIL_DOMAIN", urlparse(RUCHER_BASE_URL).hostname or "localhost"
)
_base_host = urlparse(RUCHER_BASE_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", f"{_base_host},127.0.0.1,localhost").split(",")
    if h.strip()
]
if TESTING:
    ALLOWED_HOSTS.append("testserver")
CSRF_TRUSTED_ORIGINS = [RUCHER_BASE_URL]
# Under /api/, a CSRF failure answers in the API's error shape (rucher/api/errors.py).
CSRF_FAILURE_VIEW = "rucher.api.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Full-text search types (tsvector, websearch_to_tsquery); inert on SQLite.
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "huey.contrib.djhuey",
    "ninja",
    "rucher.core",
    "rucher.accounts",
    "rucher.communities",
    "rucher.content",
    "rucher.recognition",
    "rucher.qa",
    "rucher.notifications",
    "rucher.moderation",
    "rucher.life",
    "rucher.toolbox",
    "rucher.agenda",
    "rucher.polls",
    "rucher.documents",
    "rucher.integrations",
    "rucher.search",
    "rucher.feeds",
    "rucher.imports",
    "rucher.mail",
    "rucher.analytics",
    "mozilla_django_oidc",
    "rucher.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rucher.core.memo.RequestMemoMiddleware",
    "rucher.accounts.middleware.PersonLanguageMiddleware",
    "rucher.accounts.middleware.CharterMiddleware",
    "rucher.analytics.facts.ActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rucher.core.http.NotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rucher.core.toasts.HtmxToastsMiddleware",
    # Last: turns the technical error pages of development into the friendly ones (non-staff).
    "rucher.core.errorpages.FriendlyErrorPagesMiddleware",
]

ROOT_URLCONF = "rucher.urls"
WSGI_APPLICATION = "rucher.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rucher.core.context_processors.rucher",
                "rucher.notifications.context_processors.notifications",
                "rucher.accounts.oidc.login_options",
            ],
        },
    },
]

# Database: embedded SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rucher.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Writers queue on SQLite's single write lock. Its busy handler polls (it sleeps and
    # retries, in no particular order), so under 8 concurrent writers one of them could be
    # overtaken for more than 5 s and fail "database is locked" on BEGIN IMMEDIATE (issue 7:
    # 500s on post creation and likes in `make bench`). Wait up to 30 s instead: `timeout` is
    # the sqlite3 module's busy timeout, set when connecting; the PRAGMA says the same.
    SQLITE_BUSY_TIMEOUT = int(os.environ.get("RUCHER_SQLITE_BUSY_TIMEOUT", "30"))
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000};"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: PostgreSQL starts it on estimated costs, and for the search of a
    # common word the estimate (millions of rows, read in fact 5,000) made it spend 475 ms of
    # a 650 ms query compiling (docs/decisions.md). A web page's queries are short.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("RUCHER_TEST_DB_NAME")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (also rate limits, the current charter, sessions): shared by every process of the
# installation. Embedded default: files in var/cache (gunicorn's workers, the worker and mailin
# are separate processes; a per-process memory cache let them disagree for minutes). Measured
# (docs/decisions.md): a read costs ~45 µs from files against ~260 µs from a SQLite cache table,
# and writes take no database lock. Redis when REDIS_URL is set (several machines). Tests keep a
# per-process memory cache, cleared around each test.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("RUCHER_CACHE_PREFIX", "rucher"),
        }
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Culling lists the folder; keep it rare (entries are small: sessions, counters).
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background jobs: django.tasks API with the Huey backend (SQLite queue, or Redis).
TASKS = {
    "default": {
        "BACKEND": "huey.contrib.djhuey.tasks_backend.HueyBackend",
        "OPTIONS": {"enqueue_on_commit": True},
    }
}
RUCHER_TASK_RETRIES = int(os.environ.get("RUCHER_TASK_RETRIES", "3"))
RUCHER_TASK_RETRY_DELAY = int(os.environ.get("RUCHER_TASK_RETRY_DELAY", "30"))
_huey_consumer = {"workers": int(os.environ.get("RUCHER_WORKERS", "2")), "worker_type": "thread"}
if TESTING:
    # In-memory queue; tests drain it with rucher.core.testing.run_queued_tasks().
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "rucher-test", "immediate": False}
elif REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "rucher",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": _huey_consumer,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "rucher",
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": False,
        "consumer": _huey_consumer,
    }

# Points, skill reputation and the first-contribution check of a new post or a post like do not
# decide the answer: they run in the background after commit (one task per write,
# rucher.actions.tasks), which keeps the write short (docs/decisions.md). Tests run them in the
# request (their rules are tested there); tests/recognition/test_deferred.py proves the
# background path.
RUCHER_DEFERRED_RECOGNITION = env_bool("RUCHER_DEFERRED_RECOGNITION", not TESTING)

AUTH_USER_MODEL = "accounts.User"
# Sign-in: local passwords (RUCHER_LOCAL_LOGIN=false keeps them for break-glass administrators
# only), OpenID Connect (RUCHER_OIDC_*) and LDAP / Active Directory (RUCHER_LDAP_*);
# docs/operations.md explains each variable.
RUCHER_LOCAL_LOGIN = env_bool("RUCHER_LOCAL_LOGIN", True)
RUCHER_BREAK_GLASS_ADMINS = os.environ.get("RUCHER_BREAK_GLASS_ADMINS", "")
RUCHER_OIDC_ISSUER = os.environ.get("RUCHER_OIDC_ISSUER", "").rstrip("/")
RUCHER_OIDC_CLIENT_ID = os.environ.get("RUCHER_OIDC_CLIENT_ID", "")
RUCHER_OIDC_CLIENT_SECRET = os.environ.get("RUCHER_OIDC_CLIENT_SECRET", "")
RUCHER_OIDC_PROVIDER_NAME = os.environ.get("RUCHER_OIDC_PROVIDER_NAME", "")
RUCHER_OIDC_ALLOWED_DOMAINS = os.environ.get("RUCHER_OIDC_ALLOWED_DOMAINS", "")
RUCHER_OIDC_SCOPES = os.environ.get("RUCHER_OIDC_SCOPES", "openid email profile")
RUCHER_OIDC_SIGN_ALGO = os.environ.get("RUCHER_OIDC_SIGN_ALGO", "RS256")
RUCHER_OIDC_USERNAME_CLAIM = os.environ.get("RUCHER_OIDC_USERNAME_CLAIM", "preferred_username")
RUCHER_OIDC_NAME_CLAIM = os.environ.get("RUCHER_OIDC_NAME_CLAIM", "name")
RUCHER_OIDC_DEPARTMENT_CLAIM = os.environ.get("RUCHER_OIDC_DEPARTMENT_CLAIM", "department")
RUCHER_OIDC_SITE_CLAIM = os.environ.get("RUCHER_OIDC_SITE_CLAIM", "")
RUCHER_OIDC_JOB_TITLE_CLAIM = os.environ.get("RUCHER_OIDC_JOB_TITLE_CLAIM", "")
AUTHENTICATION_BACKENDS = [
    "rucher.accounts.backends.LocalPasswordBackend",
    "rucher.actions.sso.OIDCBackend",
]
RUCHER_LDAP_COMMUNITY_GROUPS: dict[str, str] = {}
RUCHER_LDAP_ADMIN_GROUP = ""
if os.environ.get("RUCHER_LDAP_SERVER_URI"):
    from rucher.accounts.ldap_config import ldap_settings

    globals().update(ldap_settings(os.environ))
    AUTHENTICATION_BACKENDS.append("rucher.actions.sso.DirectoryBackend")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 still, at its lowest cost: production's parameters cost ~0.2 s of CPU per hash.
    PASSWORD_HASHERS.insert(0, "rucher.core.testing.FastArgon2PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling: this many failures for one username within the window locks it out.
RUCHER_LOGIN_MAX_FAILURES = int(os.environ.get("RUCHER_LOGIN_MAX_FAILURES", "5"))
RUCHER_LOGIN_WINDOW_SECONDS = int(os.environ.get("RUCHER_LOGIN_WINDOW_SECONDS", "900"))
# Password spraying from one address, and guessing one username from many addresses
# (rucher.accounts.throttle).
RUCHER_LOGIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("RUCHER_LOGIN_MAX_FAILURES_PER_ADDRESS", "50")
)
RUCHER_LOGIN_MAX_FAILURES_PER_USERNAME = int(
    os.environ.get("RUCHER_LOGIN_MAX_FAILURES_PER_USERNAME", "20")
)
# Behind reverse proxies: the header they put the client's address in (e.g. X-Forwarded-For),
# and how many of them there are (rucher.core.clients). Empty: REMOTE_ADDR.
RUCHER_TRUSTED_PROXY_HEADER = os.environ.get("RUCHER_TRUSTED_PROXY_HEADER", "")
RUCHER_TRUSTED_PROXY_COUNT = int(os.environ.get("RUCHER_TRUSTED_PROXY_COUNT", "1"))

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("RUCHER_TIME_ZONE", "Europe/Paris")
# The organisation's working time, for answer-time promises (F-SLA): ISO weekdays (1 = Monday),
# opening and closing times in TIME_ZONE; the country's public holidays (ISO 3166 code and
# optional subdivision, from the `holidays` library; empty: none) and extra days off as ISO dates
# separated by commas. Questions in a community without a promise get the default promise.
RUCHER_HOLIDAYS_COUNTRY = os.environ.get("RUCHER_HOLIDAYS_COUNTRY", "FR")
RUCHER_HOLIDAYS_SUBDIVISION = os.environ.get("RUCHER_HOLIDAYS_SUBDIVISION", "")
RUCHER_DEFAULT_ANSWER_HOURS = int(os.environ.get("RUCHER_DEFAULT_ANSWER_HOURS", "24"))
if not 0 <= RUCHER_DEFAULT_ANSWER_HOURS <= 2000:  # communities.models.MAX_ANSWER_PROMISE_HOURS
    raise RuntimeError("RUCHER_DEFAULT_ANSWER_HOURS must be 0 (no default) to 2000 hours.")
RUCHER_WORK_DAYS = os.environ.get("RUCHER_WORK_DAYS", "1,2,3,4,5")
RUCHER_WORK_START = os.environ.get("RUCHER_WORK_START", "09:00")
RUCHER_WORK_END = os.environ.get("RUCHER_WORK_END", "18:00")
RUCHER_HOLIDAYS = os.environ.get("RUCHER_HOLIDAYS", "")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files are never served from a public URL: views check access and stream them.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-public/"
RUCHER_PHOTO_MAX_BYTES = int(os.environ.get("RUCHER_PHOTO_MAX_BYTES", str(5 * 1024 * 1024)))
# Images over this many pixels are refused before decoding (decompression bombs); Pillow's
# MAX_IMAGE_PIXELS follows it (rucher.core.images).
RUCHER_IMAGE_MAX_PIXELS = int(os.environ.get("RUCHER_IMAGE_MAX_PIXELS", "40000000"))
RUCHER_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("RUCHER_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)
# Community document libraries (rucher.documents): largest file, 413 above it; uploads stream.
RUCHER_DOCUMENT_MAX_BYTES = int(os.environ.get("RUCHER_DOCUMENT_MAX_BYTES", str(50 * 1024 * 1024)))
RUCHER_MUST_READ_REMINDER_HOURS = int(os.environ.get("RUCHER_MUST_READ_REMINDER_HOURS", "48"))
# Received email (`rucher mailin`, docs/mail.md): largest message, most MIME parts read, and the
# authserv-id of the MTA's Authentication-Results to trust (empty: no DKIM/DMARC requirement).
RUCHER_MAILIN_MAX_BYTES = int(os.environ.get("RUCHER_MAILIN_MAX_BYTES", str(25 * 1024 * 1024)))
RUCHER_MAILIN_MAX_PARTS = int(os.environ.get("RUCHER_MAILIN_MAX_PARTS", "100"))
RUCHER_MAILIN_AUTHSERV_ID = os.environ.get("RUCHER_MAILIN_AUTHSERV_ID", "")
# Accept mail to the plain `<slug>@` community address on the word of its From header alone
# (forgeable): off by default, members use their personal posting address (docs/mail.md).
RUCHER_MAILIN_PLAIN_COMMUNITY_ADDRESSES = env_bool("RUCHER_MAILIN_PLAIN_COMMUNITY_ADDRESSES", False)
# Likes from one person to the same colleague that earn points in one day (F-POINTS).
RUCHER_POINTS_PAIR_DAILY_CAP = int(os.environ.get("RUCHER_POINTS_PAIR_DAILY_CAP", "3"))
# The guarded outbound HTTP client (rucher.core.outbound: webhooks, watch feeds). Hosts listed
# here (`host` or `host:port`, comma-separated) may resolve to private addresses (intranet).
RUCHER_OUTBOUND_ALLOWED_HOSTS = os.environ.get("RUCHER_OUTBOUND_ALLOWED_HOSTS", "")
RUCHER_OUTBOUND_TIMEOUT = float(os.environ.get("RUCHER_OUTBOUND_TIMEOUT", "10"))
# The largest request an incoming webhook accepts (413 beyond).
RUCHER_INCOMING_MAX_BYTES = int(os.environ.get("RUCHER_INCOMING_MAX_BYTES", str(100 * 1024)))
RUCHER_OUTBOUND_MAX_BYTES = int(os.environ.get("RUCHER_OUTBOUND_MAX_BYTES", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024


def parse_email_url(url: str) -> dict[str, object]:
    """Turns EMAIL_URL (smtp://, smtp+tls://, smtp+ssl://, file://, console://, locmem://)
    into Django's mailer configuration (the MAILERS setting of Django 6.1)."""
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "file":
        # One .eml file per message (rucher.core.email), readable by any mail client.
        return {
            "BACKEND": "rucher.core.email.EmlFileBackend",
            "OPTIONS": {"file_path": unquote(parsed.path) or str(VAR_DIR / "mail")},
        }
    if scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in {"smtp", "smtp+tls", "smtp+ssl", "smtps"}:
        query = parse_qs(parsed.query)
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parsed.hostname or "localhost",
                "port": parsed.port or (465 if scheme in {"smtp+ssl", "smtps"} else 25),
                "username": unquote(parsed.username or ""),
                "password": unquote(parsed.password or ""),
                "use_tls": scheme == "smtp+tls",
                "use_ssl": scheme in {"smtp+ssl", "smtps"},
                "timeout": int(query.get("timeout", ["20"])[0]),
            },
        }
    raise RuntimeError(f"EMAIL_URL has an unsupported scheme: {scheme!r}")


# Production sends through a real MTA (the local one by default); development writes files.
EMAIL_URL = os.environ.get(
    "EMAIL_URL", "smtp://localhost:25" if PRODUCTION else f"file://{VAR_DIR / 'mail'}"
)
MAILERS = {"default": parse_email_url(EMAIL_URL)}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"Rucher <noreply@{RUCHER_MAIL_DOMAIN}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Immediate notification emails wait this long (skipped if read meanwhile); 0 sends at once.
RUCHER_EMAIL_GRACE_SECONDS = int(os.environ.get("RUCHER_EMAIL_GRACE_SECONDS", "300"))
# An address is paused after this many consecutive permanent refusals (5xx).
RUCHER_EMAIL_MAX_FAILURES = int(os.environ.get("RUCHER_EMAIL_MAX_FAILURES", "5"))
# Sending attempts of one email (temporary SMTP failures, with back-off) before giving up.
RUCHER_EMAIL_MAX_ATTEMPTS = int(os.environ.get("RUCHER_EMAIL_MAX_ATTEMPTS", "8"))
# Digests (F-DIGEST) go out at this local hour (TIME_ZONE), the weekly one on this ISO weekday.
RUCHER_DIGEST_HOUR = int(os.environ.get("RUCHER_DIGEST_HOUR", "7"))
RUCHER_DIGEST_WEEKDAY = int(os.environ.get("RUCHER_DIGEST_WEEKDAY", "1"))
# The weekly success report (F-SUCCESS-REPORT) goes out on Monday at this local hour.
RUCHER_SUCCESS_REPORT_HOUR = int(os.environ.get("RUCHER_SUCCESS_REPORT_HOUR", "7"))

# Strict CSP with nonces: no inline script or style without the page's nonce, nothing external.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
LANGUAGE_COOKIE_NAME = "rucher_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"quiet_jobs": {"()": "rucher.core.logs.QuietJobs"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "jobs": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["quiet_jobs"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Our handler, not Huey's own (which would print every line twice); one line per job
        # at INFO, the rest at DEBUG (rucher.core.logs).
        "huey": {
            "handlers": ["jobs"],
            "level": os.environ.get("LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # Django's task signals say RUNNING and SUCCESSFUL for every job: DEBUG only.
        "django.tasks": {"level": "DEBUG" if os.environ.get("LOG_LEVEL") == "DEBUG" else "WARNING"},
    },
}

NINJA_PAGINATION_MAX_LIMIT = 100
