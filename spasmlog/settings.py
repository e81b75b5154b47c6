"""Spasmlog's one settings file. Everything that differs between machines comes from the
environment; the defaults are the safe ones (DEBUG off, secure cookies, SQLite in data/)."""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean such as 1 or 0, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# `make run` keeps a generated key in data/secret_key, so manage.py commands work beside it.
SECRET_KEY_FILE = DATA_DIR / "secret_key"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and SECRET_KEY_FILE.is_file():
    SECRET_KEY = SECRET_KEY_FILE.read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be set when DEBUG is off (or kept in {SECRET_KEY_FILE})"
        )
    SECRET_KEY = "insecure-development-key-used-only-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "diary",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "diary.middleware.PrivateResponsesMiddleware",
    # GET, HEAD and POST only (diary/http.py); before anything reads a body.
    "diary.http.OnlyFormMethodsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "diary.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must come last: it turns a lock-out raised during authentication into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spasmlog.urls"
WSGI_APPLICATION = "spasmlog.wsgi.application"

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
            ],
        },
    },
]

# SQLite in data/ by default; DATABASE_URL (postgres://…) when the app outgrows one machine.
SQLITE_PATH = DATA_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}", conn_max_age=env_int("CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # Several writers (gunicorn workers) share one file: WAL lets readers run beside a
        # writer, IMMEDIATE takes the write lock up front so a transaction never has to be
        # upgraded mid-way (the usual source of "database is locked"), and the timeout waits.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Rendered insights (document and charts) and the sign-up and reset counts, shared by every
# server process: through files on one machine, through Redis (REDIS_URL, Django's own
# backend) when several app servers share the work. Insights keys carry each person's data
# version (diary/dataversion.py), so a change simply stops old entries being used.
REDIS_URL = os.environ.get("REDIS_URL", "")
# How long a request waits for Redis before it goes on without the cache.
REDIS_SOCKET_TIMEOUT_SECONDS = 1
CACHE_TIMEOUT = 7 * 24 * 60 * 60
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, going on without the cache while Redis is unreachable.
            "BACKEND": "spasmlog.cache.RedisCacheWithoutOutages",
            "LOCATION": REDIS_URL,
            "TIMEOUT": CACHE_TIMEOUT,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
            },
            # Per install: two installs on one Redis database (staging beside production)
            # never read each other's entries, while one install's servers, sharing
            # SECRET_KEY, share theirs.
            "KEY_PREFIX": "spasmlog-" + hashlib.sha256(SECRET_KEY.encode()).hexdigest()[:16],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": DATA_DIR / "cache",
            "TIMEOUT": CACHE_TIMEOUT,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "diary.passwords.VarietyValidator"},
]
# Argon2id with OWASP's parameters (diary/passwords.py); no second "argon2" hasher after it,
# as the last one of a name would be the one that checks.
PASSWORD_HASHERS = [
    "diary.passwords.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "diary:home"
LOGOUT_REDIRECT_URL = "login"

# Log-in throttling (README, "Log-in throttling"): 5 failures for one username from one address
# lock that pair, 20 from one address lock the address; a lock ends one cool-off after the
# failure that set it (tries during it don't count) or when the password is reset.
AXES_HANDLER = "diary.throttling.LoginThrottle"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Sign-ups and password-reset mails an hour (diary/ratelimit.py): against account enumeration
# and mail flooding.
SIGNUPS_PER_ADDRESS_PER_HOUR = env_int("SIGNUPS_PER_ADDRESS_PER_HOUR", 10)
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", 10)
PASSWORD_RESETS_PER_EMAIL_PER_HOUR = env_int("PASSWORD_RESETS_PER_EMAIL_PER_HOUR", 3)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_USERNAME_CALLABLE = "diary.throttling.username"
AXES_CLIENT_IP_CALLABLE = "diary.throttling.client_address"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# With DEBUG off the operator must choose a backend (diary/checks.py refuses to start without
# one): the console default would write live password-reset links into the log.
EMAIL_BACKEND_CHOSEN = bool(os.environ.get("EMAIL_BACKEND"))
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "spasmlog@localhost")
# Where the site is reached, for the links in reminder e-mails (sent with no request to ask).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")

# Uploads (diary imports) are capped before they are read whole. The default fits the export
# of a diary at the record caps (diary.limits.MAX_EPISODES, one check-in a day since 1900:
# about 50 MB of ordinary records); a lower value can refuse a big diary's own backup.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 64 * 1024 * 1024)
# An upload waiting for its import to be confirmed (diary/files/pendingimports.py).
PENDING_IMPORTS_DIR = DATA_DIR / "pending-imports"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# One diary file per request; a second one is a 400 before it is stored.
DATA_UPLOAD_MAX_NUMBER_FILES = 1
# First, so a file past MAX_UPLOAD_BYTES is stopped before the others store it.
FILE_UPLOAD_HANDLERS = [
    "diary.files.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Transport security. Off only where a developer says so (make run, the test suite).
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# One reverse proxy in front, which sets X-Forwarded-Proto and appends to X-Forwarded-For.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading binds the whole domain and its subdomains to https for months, so the operator
# opts in with SECURE_HSTS_PRELOAD=1; `check --deploy` need not remind every install of it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Every script and style is a file under static/, so nothing inline is ever allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Requests are logged without query strings or bodies: health values never reach a log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_tokens": {"()": "diary.logfilters.HideTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["hide_tokens"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
