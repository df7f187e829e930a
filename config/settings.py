"""All settings, read from the environment through `config.env.env`.

With DEBUG off (the default) every default is the production-safe one.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import email_settings, env, ip_networks, rate

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env("DEBUG", False, cast=bool)
SECRET_KEY = env("SECRET_KEY", "insecure-local-development-key" if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
# Old keys still accepted for signatures and for reading raw inbound copies (key rotation).
SECRET_KEY_FALLBACKS = env("SECRET_KEY_FALLBACKS", [], cast=list)
# Comma-separated secrets sealing raw inbound emails and webhook bodies (the first seals, all
# read); unset: a key derived from SECRET_KEY (docs/intake.md, "Raw copies").
RAW_INBOUND_KEY = env("RAW_INBOUND_KEY", [], cast=list)
ALLOWED_HOSTS = env("ALLOWED_HOSTS", ["localhost", "127.0.0.1"], cast=list)
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS", [], cast=list)
SITE_URL = env("SITE_URL", "http://localhost:8000")
WEBSOCKET_URL = env("WEBSOCKET_URL", "")

INSTALLED_APPS = [
    "modeltranslation",
    "support.admin_apps.AuditedAdminConfig",  # Django's admin, every change audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "support",
    "rest_framework.authtoken",  # after support: its drf_create_token asks for a factor
    "tickets",
    "helpcenter",
    "livechat",
    "complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that answers made before the view (the edge's refusals) carry the header too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "support.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "support.edge.RequestEdgeMiddleware",  # after LocaleMiddleware: its refusals are translated
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "support.audit.AuditRequestMiddleware",  # audit rows written deeper down know the request
    "support.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A session still owing its second factor reaches only the pages that finish signing in.
    "support.factor_gate.SecondFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "support.context_processors.site",
            ],
        },
    },
]

# --- Data stores: PostgreSQL and Redis, always ---------------------------------------------
DATABASE_URL = env("DATABASE_URL", None)
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "Set DATABASE_URL, or start the project with `python3 config/launcher.py run` "
        "(or `test`), which starts an embedded PostgreSQL when it is unset."
    )
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL.")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME", None)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", None)
if not REDIS_URL:
    raise ImproperlyConfigured("Set REDIS_URL (the launcher starts an embedded Redis if unset).")
REDIS_MAX_CONNECTIONS = env("REDIS_MAX_CONNECTIONS", 400, cast=int)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "support",
        # A Redis that stops answering fails a cache call in a second instead of hanging it.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
# Sessions live in PostgreSQL only: signing in and every signed-in page must not depend on
# Redis, and a session kept in two places can disagree after an outage (a logout that could not
# reach the cache would come back to life). Measured: about 0.5 ms more per signed-in page
# than the Redis-cached sessions (docs/operations.md).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [{"address": REDIS_URL, "max_connections": REDIS_MAX_CONNECTIONS}],
            # Pub/sub ignores Redis database numbers: separate installations on one Redis need
            # their own prefix.
            "prefix": env("CHANNEL_LAYER_PREFIX", "support"),
        },
    }
}

# Celery reads the CELERY_* names below (config/celery.py).
CELERY_BROKER_URL = REDIS_URL.replace("unix://", "redis+socket://", 1)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env("CELERY_TASK_ALWAYS_EAGER", False, cast=bool)
CELERY_TIMEZONE = "UTC"
CELERY_HEARTBEAT_MAX_AGE = 90  # seconds before /healthz calls the worker stale
HEALTH_STARTUP_GRACE = 90  # seconds after start during which no heartbeat yet is "starting"
# A task whose worker died unacknowledged goes back to the queue after this many seconds; no
# task may be delayed longer (it would run twice): later work is a row a sweep picks up.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env("CELERY_VISIBILITY_TIMEOUT", 3600, cast=int)
}

# --- People ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
LOGIN_THROTTLE_LIMIT = env("LOGIN_THROTTLE_LIMIT", 5, cast=int)
LOGIN_THROTTLE_WINDOW = env("LOGIN_THROTTLE_WINDOW", 900, cast=int)
LOGIN_THROTTLE_ADDRESS_LIMIT = env("LOGIN_THROTTLE_ADDRESS_LIMIT", 30, cast=int)
# Two-factor sign-in (docs/security.md): the name authenticator apps show beside the codes.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Exchange Support")

# --- The real client and the throttles keyed on it (docs/deploy/client-address.md) -----------
# Proxies whose X-Forwarded-For is believed (nginx's address); empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env("TRUSTED_PROXIES", [], cast=ip_networks)
# Rates are `<count>/<period>` (`10/hour`, `300/min`, `5/15min`); a window opens with its first hit.
THROTTLE_PASSWORD_RESET_CLIENT = env("THROTTLE_PASSWORD_RESET_CLIENT", "20/hour", cast=rate)
THROTTLE_PASSWORD_RESET_EMAIL = env("THROTTLE_PASSWORD_RESET_EMAIL", "5/hour", cast=rate)
THROTTLE_API_ANON = env("THROTTLE_API_ANON", "120/min", cast=rate)
THROTTLE_API_USER = env("THROTTLE_API_USER", "600/min", cast=rate)
THROTTLE_TICKET_CREATE = env("THROTTLE_TICKET_CREATE", "30/hour", cast=rate)
THROTTLE_CONTACT_FORM = env("THROTTLE_CONTACT_FORM", "10/hour", cast=rate)
THROTTLE_CONTACT_FORM_CLIENT = env("THROTTLE_CONTACT_FORM_CLIENT", "30/hour", cast=rate)
THROTTLE_SEARCH = env("THROTTLE_SEARCH", "300/min", cast=rate)
THROTTLE_SEARCH_EVENTS = env("THROTTLE_SEARCH_EVENTS", "60/min", cast=rate)
THROTTLE_TRACKING_LOOKUP = env("THROTTLE_TRACKING_LOOKUP", "30/hour", cast=rate)
THROTTLE_OFFICIAL_CHECK = env("THROTTLE_OFFICIAL_CHECK", "60/hour", cast=rate)
THROTTLE_SURVEY_ANSWER = env("THROTTLE_SURVEY_ANSWER", "30/hour", cast=rate)
LIVECHAT_GUEST_OPEN_CHATS = env("LIVECHAT_GUEST_OPEN_CHATS", 3, cast=int)

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
    ("ko", _("Korean")),
    ("ja", _("Japanese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# How each market writes dates and times (Korean 오전/오후 before the time): docs/localisation.md.
FORMAT_MODULE_PATH = ["support.formats"]
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", "UTC")
LANGUAGE_COOKIE_NAME = "support_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "zh-hans", "zh-hant", "ko", "ja")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",), "zh-hant": ("zh-hans", "en")}


def translated_field_label(verbose_name: str, language: str) -> str:
    """Each language's field in the admin says its language in the reader's language: "Title
    (Korean)", "제목 (한국어)". Called lazily, when the label is shown. Parentheses, because
    modeltranslation's tabs strip a "[ko]" suffix."""
    from django.utils.translation import get_language_info

    return f"{verbose_name} ({get_language_info(language)['name_translated']})"


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = translated_field_label
# The admin's language tabs need jQuery UI: from its PyPI package, served by us (our CSP allows
# no other host). support.staticfiles.PackageFilesFinder finds it.
JQUERY_UI_URL = "jquery-ui/jquery-ui.min.js"

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "support.staticfiles.PackageFilesFinder",  # files that Python packages ship (jQuery UI)
]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "support.storage.UploadStorage"},  # full or gone: a clean 503
    # hashed names cached for a year, gzip copies, module imports rewritten (collectstatic)
    "staticfiles": {"BACKEND": "support.staticfiles.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env("REQUEST_BODY_MAX_BYTES", 2_621_440, cast=int)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
ATTACHMENT_MAX_BYTES = env("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, cast=int)
TICKETS_ATTACHMENT_TYPES = env(
    "TICKETS_ATTACHMENT_TYPES",
    ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"]
    + ["audio/ogg"],  # voice notes (Telegram)
    cast=list,
)

# --- Telegram (docs/channels.md): the only host the Telegram adapter calls ----------------------
TELEGRAM_API_BASE = env("TELEGRAM_API_BASE", "https://api.telegram.org")
# --- Messenger and Instagram (docs/channels.md): the Send API, and the origins of customers' files
META_GRAPH_BASE = env("META_GRAPH_BASE", "https://graph.facebook.com/v21.0")
META_FILE_HOSTS = env(
    "META_FILE_HOSTS",
    ["https://*.fbcdn.net", "https://lookaside.fbsbx.com", "https://*.cdninstagram.com"],
    cast=list,
)
# --- LINE (docs/channels.md): messages to LINE_API_BASE, customers' files from LINE_DATA_API_BASE
LINE_API_BASE = env("LINE_API_BASE", "https://api.line.me")
LINE_DATA_API_BASE = env("LINE_DATA_API_BASE", "https://api-data.line.me")
# --- X (docs/channels.md): messages to X_API_BASE, direct messages' media from X_MEDIA_HOSTS
X_API_BASE = env("X_API_BASE", "https://api.x.com")
X_MEDIA_HOSTS = env(
    "X_MEDIA_HOSTS", ["https://ton.twitter.com", "https://pbs.twimg.com"], cast=list
)
# --- KakaoTalk (docs/channels.md): Open Builder's Event API, and the event whose block replies;
# customers' photos only from KAKAO_FILE_HOSTS
KAKAO_BOT_API_BASE = env("KAKAO_BOT_API_BASE", "https://bot-api.kakao.com")
KAKAO_REPLY_EVENT = env("KAKAO_REPLY_EVENT", "support_reply")
KAKAO_FILE_HOSTS = env("KAKAO_FILE_HOSTS", ["https://*.kakaocdn.net"], cast=list)
# --- Files of agents' replies a provider fetches from us (LINE: docs/channels.md): the public
# https address they are served at (its host must be in ALLOWED_HOSTS) and how long a link lives
CHANNEL_FILES_BASE_URL = env("CHANNEL_FILES_BASE_URL", SITE_URL)
CHANNEL_FILE_URL_MAX_AGE = env("CHANNEL_FILE_URL_MAX_AGE", 24 * 3600, cast=int)

# --- Ticket policy that is configuration rather than data --------------------------------------
TICKETS_REOPEN_WINDOW_DAYS = env("TICKETS_REOPEN_WINDOW_DAYS", 14, cast=int)

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "support@localhost")
# A whole raw email (the gateway's POST, a piped or fetched message): a 60 MB mail is read, its
# attachments over ATTACHMENT_MAX_BYTES replaced by a note. At most EMAIL_ACKS_PER_HOUR
# acknowledgements go to one address in an hour (auto-reply loops, storms: docs/email.md).
EMAIL_MAX_BYTES = env("EMAIL_MAX_BYTES", 80 * 1024 * 1024, cast=int)
EMAIL_ACKS_PER_HOUR = env("EMAIL_ACKS_PER_HOUR", 5, cast=int)
for _name, _value in email_settings(
    env("EMAIL_URL", f"file://{BASE_DIR / 'var' / 'mail'}" if DEBUG else "console://")
).items():
    globals()[_name] = _value

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", False, cast=bool)  # the TLS terminator redirects
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, cast=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD", not DEBUG, cast=bool)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "support.error_views.csrf_failure"
SILENCED_SYSTEM_CHECKS = ["security.W008"]  # HTTPS redirect is the TLS terminator's job

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "support.authentication.TokenAuthentication",
        "support.authentication.SessionAuthentication",  # refuses a session owing its factor
    ],
    "DEFAULT_PERMISSION_CLASSES": ["support.permissions.DenyAll"],
    "DEFAULT_SCHEMA_CLASS": "support.openapi.AutoSchema",  # adds the error answers
    "EXCEPTION_HANDLER": "support.api_errors.exception_handler",
    # JSON only unless a view names more (file uploads, the form-encoded search beacon).
    "DEFAULT_PARSER_CLASSES": ["support.parsers.JSONParser"],
    # JSON answers only, errors included: no browsable HTML pages, no 406 (support.negotiation).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "support.negotiation.JSONWhateverAccepted",
    "DEFAULT_PAGINATION_CLASS": "support.pagination.CursorPage",
    "PAGE_SIZE": 50,
    # Every API view names its throttles (support.api_throttles), keyed on the real client.
    "DEFAULT_THROTTLE_RATES": {"anon": THROTTLE_API_ANON, "user": THROTTLE_API_USER},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Exchange Support API",
    "DESCRIPTION": "Tickets, help center, live chat and complaints for a crypto exchange.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, however many fields use it.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "support.taxonomy.Language",
        "LanguageCodeEnum": "support.taxonomy.LANGUAGE_CODES",
        "TicketStatusEnum": "tickets.models.Status",
    },
}

# --- Exchange back office -------------------------------------------------------------------
EXCHANGE_API_URL = env("EXCHANGE_API_URL", "")
EXCHANGE_API_TOKEN = env("EXCHANGE_API_TOKEN", "")
EXCHANGE_API_TIMEOUT = env("EXCHANGE_API_TIMEOUT", 5.0, cast=float)
# "demo" runs on the demo back office on purpose; with DEBUG off and no EXCHANGE_API_URL it is the
# only way past the start-up check (support/checks.py).
EXCHANGE_BACKEND = env("EXCHANGE_BACKEND", "")

# --- Outbound webhooks (docs/webhooks.md) ---------------------------------------------------
# Host names and IP networks webhooks may reach although not public (internal integrations).
WEBHOOK_ALLOWED_HOSTS = env("WEBHOOK_ALLOWED_HOSTS", [], cast=list)
WEBHOOK_CONNECT_TIMEOUT = env("WEBHOOK_CONNECT_TIMEOUT", 3.0, cast=float)
WEBHOOK_READ_TIMEOUT = env("WEBHOOK_READ_TIMEOUT", 5.0, cast=float)

# --- Logs: one JSON object per line ---------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "filters": {"request_id": {"()": "support.logs.RequestIdLogFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
