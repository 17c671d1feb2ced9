"""Settings every environment shares.

Everything that differs between a laptop and production comes from
environment variables with safe local defaults (docs/operations.md lists
every one), read through ``env`` below. What differs between environments
is in local.py, production.py and test.py, each of which starts from this
module; ``DJANGO_ENV`` chooses between local and production
(mylittlehero/settings/__init__.py).

Nothing here imports TensorFlow: the hero engine loads lazily on first use;
its configuration (``MLH_MODEL_DIR`` and friends, below) is handed to it by
heroes/apps.py.
"""

import os
import tempfile
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class Env(environ.Env):
    """django-environ's typed reader, with this site's rules: a number or a
    switch set to the empty string means its default; a value that does not
    parse stops start-up with the variable's name; a list is comma-separated
    with blanks dropped; values are taken as written (no ``$OTHER`` proxies)."""

    BOOLEANS = {"1": True, "true": True, "yes": True, "on": True}
    BOOLEANS |= {"0": False, "false": False, "no": False, "off": False}
    KINDS = {bool: "a boolean (1/0, true/false)", int: "an integer", float: "a number"}

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        value = self.ENVIRON.get(var)
        if value is None or (value == "" and cast in self.KINDS):
            if default is self.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable.")
            return default
        try:
            return self.parse_value(value, cast)
        except ValueError:
            kind = self.KINDS.get(cast, "valid")
            raise ImproperlyConfigured(f"{var} must be {kind}, got {value!r}.") from None

    @classmethod
    def parse_value(cls, value, cast):
        if cast is bool:
            try:
                return cls.BOOLEANS[value.strip().lower()]
            except KeyError:
                raise ValueError(value) from None
        if cast is float:
            return float(value)
        if cast is list:
            return [item.strip() for item in value.split(",") if item.strip()]
        return super().parse_value(value, cast)


env = Env()

# --- Core ------------------------------------------------------------------
# The key, DEBUG and ALLOWED_HOSTS: local.py and production.py (required there).

SECRET_KEY = env.str("DJANGO_SECRET_KEY", "")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Database ---------------------------------------------------------------

MONGODB_URI = env.str("MONGODB_URI", "")
# Offline switch for `makemigrations` of the MongoDB migration set: the models,
# app configs and migration modules are MongoDB's, the engine is Django's dummy
# one, so no server is contacted (makemigrations would hang on server
# selection otherwise).
MONGODB_OFFLINE = env.bool("MLH_MONGODB_OFFLINE", False)
USE_MONGODB = bool(MONGODB_URI) or MONGODB_OFFLINE

if MONGODB_OFFLINE:
    DATABASES = {"default": {"ENGINE": "django.db.backends.dummy"}}
elif MONGODB_URI:
    DATABASES = {
        "default": {
            "ENGINE": "django_mongodb_backend",
            "HOST": MONGODB_URI,
            "NAME": env.str("MONGODB_NAME", "mylittlehero"),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("MLH_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # Wait for a writer instead of failing at once under concurrent
                # requests (several gunicorn workers share the file).
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not Django's in-memory default: the browser tests' live
            # server answers from several threads at once, each with its own
            # connection.
            "TEST": {
                "NAME": os.path.join(tempfile.gettempdir(), f"mlh-test-{os.getpid()}.sqlite3")
            },
        }
    }

if USE_MONGODB:
    DEFAULT_AUTO_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"
    # Contrib apps need ObjectId primary keys on MongoDB: their app configs
    # and their migrations are replaced (mongo_migrations/<app>/).
    _CONTRIB_APPS = [
        "mylittlehero.mongodb_apps.MongoAdminConfig",
        "mylittlehero.mongodb_apps.MongoAuthConfig",
        "mylittlehero.mongodb_apps.MongoContentTypesConfig",
    ]
    MIGRATION_MODULES = {
        app: f"mongo_migrations.{app}"
        for app in ("admin", "auth", "contenttypes", "accounts", "heroes")
    }
else:
    DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
    _CONTRIB_APPS = [
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
    ]

INSTALLED_APPS = [
    *_CONTRIB_APPS,
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "heroes",
    "history",
]
if USE_MONGODB:
    INSTALLED_APPS.insert(0, "django_mongodb_backend")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a body (sessions, CSRF, forms).
    "core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # Last: its process_exception sees the views' errors first.
    "core.middleware.SharedCacheUnavailableMiddleware",
]

ROOT_URLCONF = "mylittlehero.urls"
WSGI_APPLICATION = "mylittlehero.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Accounts ---------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# Every authenticate() call (site, admin, anything else) goes through the
# failed-login throttle (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Django's salted, iterated hashing (the 2022 project used plain SHA-256).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed-login throttle (accounts/throttle.py): per account and per client IP
# within a sliding window; counters live in the cache.
LOGIN_THROTTLE = {
    "ACCOUNT_LIMIT": env.int("MLH_LOGIN_ACCOUNT_LIMIT", 5),
    "IP_LIMIT": env.int("MLH_LOGIN_IP_LIMIT", 20),
    "WINDOW_SECONDS": env.int("MLH_LOGIN_WINDOW_SECONDS", 15 * 60),
}
# Sign-up and password-reset requests per client IP and per address
# ("N/period"; empty: no limit).
ACTION_RATES = {
    "signup": {
        "ip": env.str("MLH_SIGNUP_RATE_IP", "10/hour"),
        "email": env.str("MLH_SIGNUP_RATE_EMAIL", "3/hour"),
    },
    "reset": {
        "ip": env.str("MLH_RESET_RATE_IP", "10/hour"),
        "email": env.str("MLH_RESET_RATE_EMAIL", "3/hour"),
    },
}
# How many reverse proxies in front of the site append to X-Forwarded-For.
# 0 (default): the client IP is REMOTE_ADDR.
NUM_PROXIES = env.int("MLH_NUM_PROXIES", 0)
# Only requests from these addresses may tell the client's address through
# X-Forwarded-For (the proxy on the same machine by default); anyone else
# reaching gunicorn directly is identified by REMOTE_ADDR.
TRUSTED_PROXIES = frozenset(env.list("MLH_TRUSTED_PROXIES", default=["127.0.0.1", "::1"]))

# --- Cache --------------------------------------------------------------------
# The cache holds the login throttle and the rate-limit counters, so every
# worker must see the same one. "redis://host:port/db" (or rediss://) is the
# production choice: Django's RedisCache, counters shared by all workers and
# kept across worker restarts. locmem (default) is per process: fine for one
# process, refused by `check --deploy` for several workers. "database" (a
# table on SQLite, a collection on MongoDB; run `manage.py createcachetable`
# once) is shared too, but slower.

CACHE_SETTING = env.str("MLH_CACHE", "locmem").strip()
if CACHE_SETTING == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_SETTING == "database":
    CACHES = {
        "default": {
            "BACKEND": (
                "django_mongodb_backend.cache.MongoDBCache"
                if USE_MONGODB
                else "django.core.cache.backends.db.DatabaseCache"
            ),
            "LOCATION": "mlh_cache",
        }
    }
elif CACHE_SETTING.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            # Django's RedisCache behind a circuit breaker (core/cache.py).
            "BACKEND": "core.cache.BreakerRedisCache",
            "LOCATION": CACHE_SETTING,
            "KEY_PREFIX": env.str("MLH_CACHE_PREFIX", "mlh"),
            # A Redis that is down or hung answers 503 quickly (core.middleware.
            # SharedCacheUnavailableMiddleware) instead of holding a thread:
            # loopback Redis answers in well under a millisecond, so a call
            # that takes MLH_CACHE_TIMEOUT (0.5 s) has failed; after a failure
            # every call fails at once for MLH_CACHE_BREAKER_SECONDS (5 s).
            "OPTIONS": {
                "socket_connect_timeout": env.float("MLH_CACHE_TIMEOUT", 0.5),
                "socket_timeout": env.float("MLH_CACHE_TIMEOUT", 0.5),
                "breaker_seconds": env.float("MLH_CACHE_BREAKER_SECONDS", 5.0),
            },
        }
    }
else:
    raise ImproperlyConfigured(
        "MLH_CACHE must be 'locmem', 'database' or a Redis URL (redis://host:6379/0)."
    )
# Worker processes serving this settings module (gunicorn.conf.py reads the
# same variable); the deploy checks refuse a per-process cache for more than one.
WEB_CONCURRENCY = env.int("WEB_CONCURRENCY", 2)
# Where gunicorn listens (the same default as gunicorn.conf.py): behind
# nginx it must be loopback, or clients could bypass nginx (mlh.W004).
GUNICORN_BIND = env.str("GUNICORN_BIND", "") or f"0.0.0.0:{env.str('PORT', '8000')}"

# --- Internationalization ---------------------------------------------------

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded photos are private: MEDIA_URL is never routed. Photos reach their
# owner through an authorized view (history.views.photo).
MEDIA_URL = "/media-not-served/"
MEDIA_ROOT = Path(env.str("MLH_MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads above this size are refused (checked in the browser and on the server).
MLH_MAX_UPLOAD_BYTES = env.int("MLH_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Any other request body (forms, JSON) over this is refused by its
# Content-Length before it is read (core/middleware.py; nginx: 1m).
MLH_MAX_BODY_BYTES = env.int("MLH_MAX_BODY_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

S3_BUCKET = env.str("MLH_S3_BUCKET", "")
if S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("MLH_S3_ENDPOINT_URL", "") or None,
            "region_name": env.str("MLH_S3_REGION", "") or None,
            "access_key": env.str("MLH_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env.str("MLH_S3_SECRET_ACCESS_KEY", "") or None,
            # Private objects; pages get short-lived presigned URLs.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("MLH_S3_URL_EXPIRE_SECONDS", 300),
            "file_overwrite": False,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Email --------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", "MyLittleHero <noreply@localhost>")
EMAIL_HOST = env.str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Security -------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The language cookie: HTTP only, not sent cross-site, HTTPS-only in production.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# `check --deploy` warnings that production.py silences on purpose.
SILENCED_SYSTEM_CHECKS = []

# Content-Security-Policy (django-csp): scripts only from this site's own
# files (no inline script anywhere); inline style *attributes* are allowed
# because pages set computed widths and face boxes with style="..." (no
# script can be injected through them). Images: this site, the upload
# preview (blob:) and, with S3, the bucket's presigned URLs.
_csp_img = ["'self'", "data:", "blob:"]
if S3_BUCKET:
    _endpoint = env.str("MLH_S3_ENDPOINT_URL", "")
    if _endpoint:
        from urllib.parse import urlsplit as _urlsplit

        _parts = _urlsplit(_endpoint)
        _csp_img.append(f"{_parts.scheme}://{_parts.netloc}")
    else:
        _csp_img.append("https://*.amazonaws.com")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": _csp_img,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (core/middleware.py): nothing for any page, except the
# camera for the upload page.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()"
)
PERMISSIONS_POLICY_CAMERA_PATHS = ("/upload/",)

# --- Logging ------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "mylittlehero.log_format.JsonLineFormatter"},
    },
    # Secrets in URL paths (share, reset, confirmation links) never reach a log.
    "filters": {"mask_secrets": {"()": "mylittlehero.log_format.MaskSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_secrets"],
        },
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["mask_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The development server's request lines, through the masking handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One structured line per prediction: user id (never the email),
        # latency per stage, model version, outcome.
        "heroes.predictions": {"handlers": ["json"], "level": "INFO", "propagate": False},
    },
}

# --- Hero engine ------------------------------------------------------------------
# The engine's own configuration, handed to it as the site starts
# (heroes/apps.py): the model's folder (empty: heroes/ml/models/<CURRENT>);
# the most pixels a photo may have (read from its header before decoding);
# TensorFlow's thread pools (0: TensorFlow's defaults).
MLH_MODEL_DIR = env.str("MLH_MODEL_DIR", "")
MLH_MAX_PIXELS = env.int("MLH_MAX_PIXELS", 40_000_000)
MLH_TF_INTRA_THREADS = env.int("MLH_TF_INTRA_THREADS", 0)
MLH_TF_INTER_THREADS = env.int("MLH_TF_INTER_THREADS", 0)

# Creating predictions, shared by the upload page and the API ("N/period",
# period second/minute/hour/day; empty: no limit).
MLH_PREDICTION_RATE_USER = env.str("MLH_PREDICTION_RATE_USER", "30/hour")
MLH_PREDICTION_RATE_IP = env.str("MLH_PREDICTION_RATE_IP", "60/hour")
# Photos refused for the file itself (no face, not an image, too big) count
# apart, with a higher cap: they do not use up the quota for real results.
MLH_PREDICTION_REFUSED_RATE_USER = env.str("MLH_PREDICTION_REFUSED_RATE_USER", "60/hour")
MLH_PREDICTION_REFUSED_RATE_IP = env.str("MLH_PREDICTION_REFUSED_RATE_IP", "120/hour")
# Turning a result's sharing on or off (each re-share renders a new card).
MLH_SHARE_TOGGLE_RATE = env.str("MLH_SHARE_TOGGLE_RATE", "20/hour")

# Trying without an account: a visitor's results belong to their
# browser session until they sign up or log in (then to the account), and are
# deleted with their photos, cards and share links after KEEP_HOURS by
# `purge_uploads --anonymous`. Anonymous uploads have their own per-IP quotas
# (besides the IP quotas above), and at most MLH_ANONYMOUS_MAX unclaimed
# results exist at once (then "busy, try later or sign up"; 0: no cap).
MLH_ANONYMOUS_KEEP_HOURS = env.int("MLH_ANONYMOUS_KEEP_HOURS", 24)
MLH_ANONYMOUS_MAX = env.int("MLH_ANONYMOUS_MAX", 2000)
MLH_ANONYMOUS_RATE_IP = env.str("MLH_ANONYMOUS_RATE_IP", "10/hour")
MLH_ANONYMOUS_REFUSED_RATE_IP = env.str("MLH_ANONYMOUS_REFUSED_RATE_IP", "30/hour")

# Operators' detailed readiness check (/healthz/ready) answers staff, or a
# request with this value in its X-Health-Token header (unset: staff only).
MLH_HEALTH_TOKEN = env.str("MLH_HEALTH_TOKEN", "")

# The admin's synchronous "Re-predict" action takes at most this many
# predictions (more: `manage.py repredict`, in batches, resumable).
MLH_ADMIN_REPREDICT_MAX = env.int("MLH_ADMIN_REPREDICT_MAX", 25)

# --- Celery workers on Redis (docs/scaling.md) ------------------------------------
# MLH_BROKER_URL (redis://host:6379/1): `repredict --queue` and the admin's
# action put re-prediction batches on it, `celery -A mylittlehero worker` runs
# them. Unset (the default, `make run`): nothing is queued, nothing needed.
MLH_BROKER_URL = env.str("MLH_BROKER_URL", "").strip()
CELERY_BROKER_URL = MLH_BROKER_URL or None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A batch is acknowledged after it ran: a worker that dies mid-batch leaves it
# to another. It becomes visible again after the visibility timeout, which
# must be longer than any batch (the hard time limit below is shorter).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = env.str("MLH_CELERY_QUEUE", "mlh")
CELERY_TASK_TIME_LIMIT = env.int("MLH_CELERY_TASK_TIME_LIMIT", 600)
# Raised inside the batch first, so that it is retried and then reported.
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT * 9 // 10)
_visibility = env.int("MLH_CELERY_VISIBILITY_TIMEOUT", 3600)
if _visibility <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "MLH_CELERY_VISIBILITY_TIMEOUT must be longer than MLH_CELERY_TASK_TIME_LIMIT "
        "(a batch still running would be delivered to a second worker)."
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility,
    # Look for batches left by a dead worker every tenth of the timeout.
    "unacked_restore_interval": max(1, min(60, _visibility // 10)),
    "unacked_restore_throttle": 1,
}

# --- API ---------------------------------------------------------------------------

REST_FRAMEWORK = {
    # The token first: its WWW-Authenticate header makes a missing or bad
    # token a 401. Session authentication (with CSRF) serves the site's JS.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "heroes.rest.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MyLittleHero API",
    "DESCRIPTION": "Find the Marvel hero whose face looks like yours. Session (with CSRF) "
    "or personal token (`Authorization: Token mlh_...`) authentication.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
