"""Tessera settings: one module, everything deployment-specific from the environment.

Defaults are safe for a local run (SQLite file, DEBUG off, local hosts only); a deployment
sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and friends.
"""

from __future__ import annotations

import os
import re
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.getenv(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.getenv(name)
    return int(value) if value else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def tile_source(url: str) -> list[str]:
    """The CSP source that lets the map load a tile server's images: its origin, with a
    `{s}` subdomain (https://{s}.tile.example.org/{z}/{x}/{y}.png) as a wildcard."""
    match = re.match(r"(https?://[^/]+)", url)
    return [re.sub(r"\{[^}]*\}", "*", match.group(1))] if match else []


DEBUG = envbool("DEBUG", False)
# The fallback key only serves local runs; `manage.py check --deploy` flags it (security.W009).
SECRET_KEY = os.getenv("SECRET_KEY") or "django-insecure-local-only-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

TESSERA_NAME = os.getenv("TESSERA_NAME", "Tessera")
# Where this Tessera is served: every permalink, citation and API link starts with it. Unset,
# links are built on the host of each request (core.site_urls), and commands' on 127.0.0.1:8000.
TESSERA_BASE_URL = os.getenv("TESSERA_BASE_URL", "").rstrip("/")
# The licence the data are published under: the about page, the records' JSON-LD.
TESSERA_LICENCE_NAME = os.getenv("TESSERA_LICENCE_NAME", "CC BY 4.0")
TESSERA_LICENCE_URL = os.getenv(
    "TESSERA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
# The explorer's map draws country outlines from bundled Natural Earth data; a tile server's URL
# template (https://{s}.tile.example.org/{z}/{x}/{y}.png) and its attribution replace them.
TESSERA_TILE_URL = os.getenv("TESSERA_TILE_URL", "")
TESSERA_TILE_ATTRIBUTION = os.getenv("TESSERA_TILE_ATTRIBUTION", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "accounts",
    "geo",
    "incidents",
    "csvio",
    "bench",
]

MIDDLEWARE = [
    # First, so that nothing reads a path, query, header or cookie holding a NUL character.
    "core.middleware.RefuseNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Links are built on the request's host when TESSERA_BASE_URL is unset (after the host check).
    "core.site_urls.SiteURLMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records the signed-in user on history entries of admin and session writes.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Sends the public's reads to a replica when one is configured (after authentication).
    "core.replicas.ReplicaReadsMiddleware",
    # Turns a login refused for too many failures into the lockout page (last, as axes asks).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # A deployment's own templates first (e.g. about/methodology_text.html), then Tessera's.
        "DIRS": [*envlist("TESSERA_TEMPLATE_DIRS", ""), BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.project",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A request's transaction may read (a token, a session) before it writes (the throttle's
    # count): SQLite refuses to turn a read into a write while another request writes, at once
    # and without waiting. Taking the write lock at BEGIN makes concurrent requests wait
    # their turn instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
# Read-only copies of the main database (PostgreSQL streaming replicas), one alias each:
# `replica1`, `replica2`… core.replicas routes the public's reads to them (see
# docs/operations.md). In tests a replica mirrors the test database; tests/core/test_replicas.py
# points it at the real standby.
DATABASE_REPLICA_URLS = envlist("DATABASE_REPLICA_URLS", "")
for number, url in enumerate(DATABASE_REPLICA_URLS, start=1):
    replica = dj_database_url.parse(
        url, conn_max_age=envint("CONN_MAX_AGE", 60), conn_health_checks=True
    )
    # A replica that does not answer is given up on quickly; the read goes to the primary.
    replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{number}"] = replica
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
# A client that wrote reads from the primary for this long, so it sees its own writes.
REPLICA_STICKY_SECONDS = envint("REPLICA_STICKY_SECONDS", 10)
# A replica further behind than this is skipped; its lag is checked at most this often.
REPLICA_MAX_LAG_SECONDS = envint("REPLICA_MAX_LAG_SECONDS", 30)
REPLICA_CHECK_SECONDS = envint("REPLICA_CHECK_SECONDS", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After LOGIN_FAILURE_LIMIT failures, a username, and an address, may not log in (admin, login
# page, API token) for LOGIN_LOCKOUT_MINUTES (0: until an administrator unlocks it).
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = (
    timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
    if envint("LOGIN_LOCKOUT_MINUTES", 15)
    else None
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.addresses.client_address"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "api-token"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_COLLECTED = (STATIC_ROOT / "staticfiles.json").exists()
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed assets once `collectstatic` has run (the container image does);
    # before that (tests, a local run) they are served from the apps under their plain names.
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
if not STATIC_COLLECTED:
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# Uploaded files (sources' captured copies) on local disk, or in an S3-compatible bucket so that
# app servers can run side by side: MEDIA_STORAGE=s3 with the usual AWS_* variables.
MEDIA_STORAGE = os.getenv("MEDIA_STORAGE", "local")
if MEDIA_STORAGE == "s3":
    s3_options: dict[str, object] = {
        "bucket_name": os.getenv("AWS_STORAGE_BUCKET_NAME", ""),
        "endpoint_url": os.getenv("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.getenv("AWS_S3_REGION_NAME") or None,
        "access_key": os.getenv("AWS_ACCESS_KEY_ID") or None,
        "secret_key": os.getenv("AWS_SECRET_ACCESS_KEY") or None,
        "location": os.getenv("AWS_LOCATION", ""),
        # Captured copies are evidence: never overwrite one that has the same name, and
        # hand them out through signed, expiring URLs only.
        "file_overwrite": False,
        "querystring_auth": True,
        "default_acl": "private",
    }
    if not s3_options["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options}
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE is 'local' or 's3', not {MEDIA_STORAGE!r}")
# Limits on what users upload: a CSV file to import in the admin, a source's captured copy,
# and one cell of an imported file (the command's files too).
IMPORT_MAX_UPLOAD_MB = envint("IMPORT_MAX_UPLOAD_MB", 100)
CAPTURE_MAX_UPLOAD_MB = envint("CAPTURE_MAX_UPLOAD_MB", 50)
IMPORT_MAX_FIELD_CHARS = envint("IMPORT_MAX_FIELD_CHARS", 100_000)

# Throttle counters (core.rate_limits) are shared by all workers: Redis when REDIS_URL is
# set, else a table in the main database. The cache serves the rest.
REDIS_URL = os.getenv("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tessera_cache"}
    )
}

# How many reverse proxies in front of Tessera append to X-Forwarded-For (0: none, and the
# header, written by the client, is ignored). Throttling and login lockout count per address.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

# How long a token made by POST /api/v1/auth/token/ lasts unless the request asks otherwise
# (0: never expires). Tokens made on the API token page have their expiry chosen there.
API_TOKEN_DEFAULT_DAYS = envint("API_TOKEN_DEFAULT_DAYS", 90)

API_PAGE_SIZE = envint("API_PAGE_SIZE", 100)
API_MAX_PAGE_SIZE = 1000
API_THROTTLE_RATES = {
    "anon": os.getenv("API_THROTTLE_ANON", "120/minute"),
    "user": os.getenv("API_THROTTLE_USER", "1200/minute"),
}
REST_FRAMEWORK = {
    # Token first, so that an anonymous write is told how to authenticate (401).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.RolePermissions"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.permissions.AnonThrottle",
        "core.permissions.UserThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.KeysetPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON bodies only: a form cannot say null, nor nest the actors and citations of an
    # incident. (The token exchange also takes a form: accounts.views.)
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # `?format=` wins over the Accept header.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.renderers.FormatParameterFirst",
    "PAGE_SIZE": API_PAGE_SIZE,
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{TESSERA_NAME} API",
    "DESCRIPTION": "Armed-conflict incidents with their actors, places and cited sources.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Deep links put a link inside each operation's toggle button, which screen readers
    # cannot reach (axe: nested-interactive); without them the path is plain text. The
    # default code theme (agate) colours numbers below WCAG AA's contrast; monokai does not.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": {"theme": "monokai"}},
    "COMPONENT_SPLIT_REQUEST": True,
    "GET_LIB_DOC_EXCLUDES": "core.schema.lib_doc_excludes",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.link_operations",
        "core.schema.empty_text_as_any_of",
    ],
}

# Behind a TLS-terminating proxy a deployment sets SECURE=1.
SECURE = envbool("SECURE", False)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if not SECURE else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
# Preloading is hard to undo (browsers ship the list), so a deployment asks for it explicitly.
SECURE_HSTS_PRELOAD = SECURE and envbool("SECURE_HSTS_PRELOAD", False)
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Everything Tessera serves (pages, admin, API, the Swagger UI from drf-spectacular-sidecar) is
# its own, with no inline script; the admin's own markup needs no inline style either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *tile_source(TESSERA_TILE_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
}
