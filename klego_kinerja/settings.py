"""Settings for Sistem Kinerja Kecamatan, read from the environment.

Every value has a safe development default; production sets the environment variables listed
in the README (DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, ...).
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = {"1", "true", "yes", "on", "ya"}
FALSE_WORDS = {"0", "false", "no", "off", "tidak"}


def envbool(name: str, default: bool) -> bool:
    """A yes/no setting; a value that is neither (a typo such as "Flase") stops the start-up
    instead of quietly meaning "no"."""
    value = (os.environ.get(name) or "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    words = ", ".join(sorted(TRUE_WORDS | FALSE_WORDS))
    raise ImproperlyConfigured(f"{name}={os.environ[name]!r} is not a yes/no value; use one of: {words}.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn sqlite:///path or postgres://user:pass@host:port/name?opt=val into DATABASES['default']."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if path.startswith("//"):  # sqlite:////absolute/path
            path = path[1:]
        elif path.startswith("/"):  # sqlite:///relative/path, relative to the project
            path = str(BASE_DIR / path[1:])
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or str(BASE_DIR / "db.sqlite3"),
            # SQLite ignores select_for_update: take the write lock when a transaction starts,
            # so two transitions can never interleave (DESIGN.md, concurrency).
            # Write-ahead logging: pages keep reading while a transition writes.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
            # Keep the connection between requests (each worker is one thread): opening the
            # file and reading its schema on every request costs more than most pages.
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": dict(parse_qsl(parsed.query)),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"DATABASE_URL tidak dikenal: {parsed.scheme!r} (pakai sqlite:/// atau postgres://)")


DEBUG = envbool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY wajib diisi bila DEBUG=0.")
    SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 20
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "kinerja.apps.KinerjaAdminConfig",  # django.contrib.admin, signing in through the application
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "infra",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "kinerja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "infra.middleware.PositionsPerRequest",
    "infra.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "infra.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "infra.middleware.NullCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "infra.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "infra.middleware.NotAsFiledMiddleware",
]

ROOT_URLCONF = "klego_kinerja.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kinerja.context_processors.current_roles",
            ],
        },
    },
]

WSGI_APPLICATION = "klego_kinerja.wsgi.application"

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Each process keeps page parts and tables in memory (kinerja.fragments: keyed by the data mark or
# by their content, so never stale).


def cache_from_url(url: str) -> dict:
    """CACHE_URL: empty for each process's own memory (the default, enough for `make run` and one
    server process), redis://host:port/db for a cache shared by every application process. Page
    parts are correct with either (kinerja.fragments keys them by the data marks in the
    database); a shared cache makes a part made by one process serve the others."""
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": envint("FRAGMENT_CACHE_ENTRIES", 2000)},
        }
    if urlparse(url).scheme in ("redis", "rediss", "unix"):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kinerja"),
        }
    raise ValueError(f"CACHE_URL tidak dikenal: {url!r} (kosongkan, atau pakai redis://host:6379/0)")


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", ""))}

# How long a process keeps an organisation's working calendar for the pages that show time left
# (kinerja.engine.calendar.WorkCalendar.cached_for). Due times are always computed from a fresh one.
CALENDAR_CACHE_SECONDS = envint("CALENDAR_CACHE_SECONDS", 60)

# Sign-in throttling (infra.throttle): failures counted per account and per address.
# History pages of the admin read old versions and never write one back (kinerja.admin).
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGIN_FAILURES_PER_ACCOUNT = envint("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = envint("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)

# Two-factor sign-in (TOTP authenticator app, with recovery codes): offered to everyone, required
# for the roles whose approvals and settings carry the office's authority (OWASP ASVS 6.3.3).
TWO_FACTOR_REQUIRED_ROLES = ["kepala", "sekretaris", "admin"]
TWO_FACTOR_ENFORCED = envbool("TWO_FACTOR_ENFORCED", not DEBUG)

# The read API (/api/v1/, kinerja.api): bearer tokens only (never a session), JSON only, read
# only; each token's calls counted in the shared cache (CACHE_URL) against API_RATE.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["kinerja.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["kinerja.api.auth.HasToken"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"api_token": os.environ.get("API_RATE", "1000/hour")},
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Sistem Kinerja Kecamatan",
    "DESCRIPTION": "Baca saja. Token dari administrator (Authorization: Bearer skk_...), satu kecamatan atau satu "
    "kabupaten per token. Angka desimal sebagai teks, tepat seperti tersimpan.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Sistem Kinerja Kecamatan")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "kinerja:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded files and archives on S3-compatible object storage (several servers without a shared
# disk): S3_BUCKET selects it; MEDIA_ROOT then holds nothing. The bucket stays private: files go
# out only through the access-checked views, which read them from the store.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("S3_REGION", "us-east-1"),
            "location": os.environ.get("S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
# Backups: signed with BACKUP_SIGNING_KEY (else a key derived from SECRET_KEY), encrypted with
# BACKUP_PASSPHRASE when it is set. Both live in the environment, never inside a backup.
BACKUP_SIGNING_KEY = os.environ.get("BACKUP_SIGNING_KEY", "")
BACKUP_PASSPHRASE = os.environ.get("BACKUP_PASSPHRASE", "")
# Uploaded files are never served as public media, only through views that check access: no URL
# pattern and no web-server location serves MEDIA_URL.
MEDIA_URL = "/_media-tidak-publik/"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kinerja@klego.boyolali.go.id")
# Links in e-mails (overdue notices) point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# How a notice's e-mail leaves (kinerja.notices): "thread" after the commit, beside the request
# (default); "inline" after the commit, in the request; "cron" only by `manage.py send_notices`.
# Whatever the mode, send_notices (cron) retries what failed.
# The task queue (klego_kinerja/celery.py, kinerja/tasks.py): Celery on Redis, e.g.
# redis://127.0.0.1:6379/1. Empty (make run): no queue, what it would carry runs in the request.
TASK_BROKER_URL = os.environ.get("TASK_BROKER_URL", "")
CELERY_BROKER_URL = TASK_BROKER_URL or "memory://"
CELERY_TASK_ACKS_LATE = True  # a task whose worker died is given to another, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "kirim-surel-pemberitahuan": {"task": "kinerja.tasks.send_notices", "schedule": 300.0},
    "tandai-langkah-terlambat": {"task": "kinerja.tasks.notify_overdue", "schedule": 900.0},
    "lanjutkan-pengarsipan": {"task": "kinerja.tasks.resume_filings", "schedule": 300.0},
}
# Seconds before a failed notice e-mail is tried again by the queue (doubling each time).
NOTICE_RETRY_SECONDS = envint("NOTICE_RETRY_SECONDS", 60)

NOTICE_MAIL = os.environ.get("NOTICE_MAIL", "queue" if TASK_BROKER_URL else "thread")
if NOTICE_MAIL not in ("thread", "inline", "cron", "queue"):
    raise ImproperlyConfigured("NOTICE_MAIL harus thread, inline, cron atau queue.")
if NOTICE_MAIL == "queue" and not TASK_BROKER_URL:
    raise ImproperlyConfigured("NOTICE_MAIL=queue memerlukan TASK_BROKER_URL (antrean tugas).")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Sessions end after 30 minutes without a request (each request renews them) and when the
# browser closes.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 30 * 60)
# Idle expiry without a write per request: infra.middleware.IdleSessionMiddleware pushes the
# expiry forward at most once a minute (so a session ends 29 to 30 idle minutes after its last use).
SESSION_REFRESH_SECONDS = envint("SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is probed by load balancers over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
AUTH_USER_MODEL = "kinerja.User"
