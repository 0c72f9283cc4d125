"""Django settings, all from the environment (config/env.py lists the variables).

Nothing set → the embedded default: SQLite under var/, in-memory channel layer,
outbound mail written to var/mail/. DATABASE_URL / REDIS_URL switch to
PostgreSQL / Redis; DEBUG=0 turns on the production hardening.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.get("SPORTELLO_VAR_DIR") or BASE_DIR / "var")

DEBUG = env.get_bool("DEBUG")
SECRET_KEY = env.get("SECRET_KEY")
# After a rotation the old key stays here for a while: sessions, order status links in
# e-mails already sent and e-mail chat links keep working.
SECRET_KEY_FALLBACKS = env.get_list("SECRET_KEY_FALLBACKS")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production-please-0123456789"
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS")
PUBLIC_BASE_URL = env.get("PUBLIC_BASE_URL").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "crm",
    "shop",
    "kb",
    "webchat",
    "agent_console",
    "mail_channel",
    "internal_api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

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

# --- database -------------------------------------------------------------
# IMMEDIATE takes SQLite's write lock at BEGIN, so two writers queue up (for up to
# `timeout` seconds) instead of one failing with "database is locked" on lock upgrade.
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
_database_url = env.get("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "sportello.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
            "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- channel layer ----------------------------------------------------------
REDIS_URL = env.get("REDIS_URL")
# A consumer waits on Redis with a 5 s blocking pop; redis-py's own default read timeout is
# also 5 s, so an idle socket's consumer crashed (daphne closed it with 1011) every 5 s.
# The socket timeout must stay above the blocking wait.
REDIS_SOCKET_TIMEOUT_SECONDS = 15


def redis_channel_layer(url: str) -> dict:
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": url, "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS}]},
    }


if REDIS_URL:
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- auth, i18n -------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/admin/login/"
LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano"), ("en", "English")]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# --- static and uploaded files ---------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

# --- e-mail -----------------------------------------------------------------
EMAIL_HOST = env.get("EMAIL_HOST")
EMAIL_PORT = int(env.get("EMAIL_PORT"))
EMAIL_HOST_USER = env.get("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env.get_bool("EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: pick one")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
SUPPORT_ADDRESSES = [a.lower() for a in env.get_list("SUPPORT_ADDRESSES")]
DEFAULT_FROM_EMAIL = SUPPORT_ADDRESSES[0] if SUPPORT_ADDRESSES else "info@sportello.example"
MAIL_GATEWAY_HOST = env.get("MAIL_GATEWAY_HOST")
MAIL_GATEWAY_PORT = int(env.get("MAIL_GATEWAY_PORT"))
MAIL_MAX_MESSAGE_BYTES = int(env.get("MAIL_MAX_MESSAGE_BYTES"))
MAIL_AUTOREPLY_MAX_PER_HOUR = int(env.get("MAIL_AUTOREPLY_MAX_PER_HOUR"))
SHOP_ASSISTANT_URL = env.get("SHOP_ASSISTANT_URL") or f"{PUBLIC_BASE_URL}/demo/"
# An e-mail's intent (the bot's NLU) → team, when no RoutingRule row says otherwise.
MAIL_DEFAULT_ROUTES = {
    "ask_offers": "assistenza-commerciale",
    "browse_products": "assistenza-commerciale",
    "order_status": "customer-care",
    "complain": "customer-care",
    "support_question": "customer-care",
}
MAIL_FALLBACK_TEAM = "customer-care"

# --- the bot and the internal API -------------------------------------------
RASA_URL = env.get("RASA_URL").rstrip("/")
RASA_TOKEN = env.get("RASA_TOKEN")
RASA_TIMEOUT_SECONDS = float(env.get("RASA_TIMEOUT_SECONDS"))
ACTIONS_URL = env.get("ACTIONS_URL").rstrip("/")
ACTIONS_API_TOKEN = env.get("ACTIONS_API_TOKEN")
HEALTH_PROBE_TIMEOUT_SECONDS = 2.0

# --- operator console and handoff routing ------------------------------------
# A chat handed to the humans without a team goes to this team's queue, unless its
# handoff reason has a team of its own here (e.g. {"complaint": "customer-care"}).
DEFAULT_CHAT_TEAM_SLUG = "assistenza-commerciale"
HANDOFF_TEAM_BY_REASON: dict[str, str] = {}
CONSOLE_LOGIN_URL = "/console/login/"

# --- widget -----------------------------------------------------------------
WIDGET_ALLOWED_ORIGINS = [
    origin.rstrip("/").lower()
    for origin in (env.get_list("WIDGET_ALLOWED_ORIGINS") or [PUBLIC_BASE_URL])
]
WIDGET_IDENTITY_SECRET = env.get("WIDGET_IDENTITY_SECRET")

# --- production hardening (checked by `manage.py check --deploy`) -----------
if not DEBUG:
    for _name in ("RASA_TOKEN", "ACTIONS_API_TOKEN", "WIDGET_IDENTITY_SECRET"):
        if env.get(_name) == env.VARIABLES[_name].default:
            raise ImproperlyConfigured(f"{_name} must be set when DEBUG=0")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT")
    # Plain HTTP inside the private network: the healthcheck, and the action server calling
    # the internal API (service token) at WEB_INTERNAL_URL.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/web)?$", r"^internal/"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
