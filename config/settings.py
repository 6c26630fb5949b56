"""Settings for 党员服务转化中心 管理系统, read from the environment.

Development defaults apply only while DEBUG is on; with DEBUG off the process refuses to start
without a real SECRET_KEY and an explicit ALLOWED_HOSTS.
"""

import importlib.util
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY") or (_DEV_SECRET if DEBUG else None)
# 50 characters and 5 distinct ones is what `check --deploy` (security.W009) accepts.
if not SECRET_KEY or (
    not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5)
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # OpClass in index expressions (member search trigram indexes)
    "simple_history",
    "import_export",
    "axes",
    "procrastinate.contrib.django",  # the job queue in PostgreSQL (core/jobs.py)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "members",
    "conversion",
    "recruitment",
    "services",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (the CSRF check does): oversized or anonymous uploads answer 413.
    "core.request_limits.RequestSizeLimitMiddleware",
    # Two-factor sign-in and the first-sign-in password change, before any page (core/two_factor.py).
    "core.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it turns a locked-out login attempt into the lockout page (core/login_throttle.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "core.context_processors.workspace",
                "core.context_processors.reminders",
            ],
            # ``|cite`` (rule IDs shown as their regulations, core/rules.py) and ``|person`` (core/people.py).
            "builtins": ["core.templatetags.citations", "core.templatetags.people"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# PostgreSQL only. Without DATABASE_URL the local server on 127.0.0.1:5432 is used (see README).
DATABASE_URL = env_str("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/dangyuan"
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        "DATABASE_URL must point to PostgreSQL (postgres://…); SQLite is not supported."
    )
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME") or None}
# No JIT: the pages' queries are short, and compiling them cost tens of milliseconds each (issue 9, EXPLAIN).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Login throttling (django-axes) runs first; it does not log anyone in, it refuses locked-out attempts.
AUTHENTICATION_BACKENDS = [
    "core.login_throttle.LoginThrottleBackend",
    "core.auth_backend.StaffBackend",  # ModelBackend + the unread-reminder count
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The background jobs' uploads and results (core.jobs), kept JOB_FILE_DAYS days, never served directly.
    "jobs": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(Path(env_str("JOB_FILES_ROOT") or BASE_DIR / "var" / "jobs"))},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Scanned materials of the one-person-one-file (core/attachments.py): kept on the local disk under var/ by
# default; when ATTACHMENTS_S3_BUCKET is set, in an S3-compatible object store (MinIO on the county's own
# server, …) through django-storages, so several application hosts share them. Never served from a public URL.
ATTACHMENTS_ROOT = Path(env_str("ATTACHMENTS_ROOT") or BASE_DIR / "var" / "attachments")
ATTACHMENTS_S3_BUCKET = env_str("ATTACHMENTS_S3_BUCKET") or ""
if ATTACHMENTS_S3_BUCKET:
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATTACHMENTS_S3_BUCKET,
            "endpoint_url": env_str("ATTACHMENTS_S3_ENDPOINT") or None,
            "access_key": env_str("ATTACHMENTS_S3_ACCESS_KEY") or None,
            "secret_key": env_str("ATTACHMENTS_S3_SECRET_KEY") or None,
            "region_name": env_str("ATTACHMENTS_S3_REGION") or None,
            "location": env_str("ATTACHMENTS_S3_PREFIX") or "attachments",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(ATTACHMENTS_ROOT),
            "base_url": None,
            "directory_permissions_mode": 0o750,
            "file_permissions_mode": 0o640,
        },
    }
# Limits of the scanned materials: one file, all files of one record, one upload (several phone photos at
# once), the pixels an image may declare (an image bomb is refused from its header) and a PDF's pages.
ATTACHMENT_MAX_FILE_BYTES = env_int("ATTACHMENT_MAX_FILE_BYTES", 15 * 1024 * 1024)
ATTACHMENT_MAX_RECORD_BYTES = env_int("ATTACHMENT_MAX_RECORD_BYTES", 150 * 1024 * 1024)
ATTACHMENT_MAX_UPLOAD_BYTES = env_int("ATTACHMENT_MAX_UPLOAD_BYTES", 40 * 1024 * 1024)
ATTACHMENT_MAX_PIXELS = env_int("ATTACHMENT_MAX_PIXELS", 50_000_000)
ATTACHMENT_MAX_PAGES = env_int("ATTACHMENT_MAX_PAGES", 200)
# How long a job's file (an export, a bundle) can be downloaded from 我的任务.
JOB_FILE_DAYS = env_int("JOB_FILE_DAYS", 7)
# Files with more rows than this are imported (and lists with more rows exported) by a background job.
JOB_ROWS_THRESHOLD = env_int("JOB_ROWS_THRESHOLD", 500)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Uploads (imports): refuse anything larger than this many bytes.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
# Form fields other than files held in memory; files up to this size stay in memory, larger ones are
# spooled to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES
# A request body above this is refused before it is read (core.request_limits); anonymous visitors may post
# only small forms (login, the public lookup), never files. Only the upload of scanned materials (several phone
# photos at once) may send more, up to ATTACHMENT_REQUEST_MAX_BODY_BYTES. Set the proxy's limits to the same
# (README).
REQUEST_MAX_BODY_BYTES = env_int(
    "REQUEST_MAX_BODY_BYTES", max(IMPORT_MAX_UPLOAD_BYTES, DATA_UPLOAD_MAX_MEMORY_SIZE) + 1024 * 1024
)
ATTACHMENT_REQUEST_MAX_BODY_BYTES = env_int(
    "ATTACHMENT_REQUEST_MAX_BODY_BYTES",
    max(REQUEST_MAX_BODY_BYTES, ATTACHMENT_MAX_UPLOAD_BYTES + 1024 * 1024),
)
ANONYMOUS_MAX_BODY_BYTES = env_int("ANONYMOUS_MAX_BODY_BYTES", 64 * 1024)

# Floating members (R-MB-06): warn after this many days without contact, lost contact after the second.
FLOATING_CONTACT_WARNING_DAYS = env_int("FLOATING_CONTACT_WARNING_DAYS", 90)
FLOATING_LOST_CONTACT_DAYS = env_int("FLOATING_LOST_CONTACT_DAYS", 180)

# Compiled SQL of the statistics and the 工作台 is reused within a process (core.sqlreuse; never results).
# SQL_REUSE_CHECK (on under tests, tests/conftest.py) rebuilds it on every reuse and fails if it differs.
SQL_REUSE = env_bool("SQL_REUSE", default=True)
SQL_REUSE_CHECK = env_bool("SQL_REUSE_CHECK", default=False)

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# The benchmark (bench/run.py) mounts its floor view only when this is on; never in production.
BENCH = env_bool("BENCH", default=False)

# Sessions live in the database (shared by every gunicorn worker and host) and end after this many seconds
# without a request: every request renews the cookie.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True

# --- Transport security --------------------------------------------------------------------------------
# Production (DEBUG off) is HTTPS-only by default; development keeps working over plain http on 127.0.0.1.
# Behind a TLS-terminating reverse proxy set TRUST_X_FORWARDED_PROTO=1 (the proxy must overwrite
# X-Forwarded-Proto) so Django knows the original request was https.
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain http
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# How many reverse proxies append to X-Forwarded-For in front of the app (0: clients connect directly).
# The client address is then the entry that many places from the right; anything further left is
# client-supplied and ignored (core.login_throttle.client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Content-Security-Policy (django-csp 4). No inline script or style anywhere, including the Django admin:
# Django's own admin templates have no inline <script> or style= attribute (tests/hardening checks the pages
# we render). The few cosmetic style= attributes in third-party admin pages (simple-history's pager,
# import-export's field list) are deliberately dropped by the browser rather than allowing inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Login throttling (django-axes) ----------------------------------------------------------------------
# Locks the *combination* of username and client address: a whole office shares one address, so one
# person's typos must not lock their colleagues out. The lock lifts by itself after the cool-off.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.login_throttle.client_ip"
AXES_USERNAME_CALLABLE = "core.login_throttle.client_username"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_COOLOFF_MESSAGE = (
    f"登录失败次数过多，该账号在此地址已被暂时锁定，请{AXES_COOLOFF_MINUTES}分钟后再试，或联系管理员解锁。"
)
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，该账号已被锁定，请联系管理员解锁。"
AXES_VERBOSE = False

# The address citizens reach the public pages at: the QR code on the service desk's notices opens its progress
# lookup (services/lookup.py). Set it where the system is deployed; by default the first allowed host.
PUBLIC_SITE_URL = env_str("PUBLIC_SITE_URL") or (
    f"http://{ALLOWED_HOSTS[0]}:8000"
    if DEBUG and ALLOWED_HOSTS
    else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}"
)

# --- Two-factor sign-in (django-otp; core/two_factor.py) -------------------------------------------------
# Administrators, center clerks and auditors read personal data in bulk (等保 2.0): a password and a code
# from an authenticator app (TOTP), or a one-time recovery code. TWO_FACTOR_FOR_SECRETARIES=1 adds secretaries.
TWO_FACTOR_FOR_SECRETARIES = env_bool("TWO_FACTOR_FOR_SECRETARIES", default=False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "党员服务转化中心")
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after each wrong code (django-otp's throttling)
OTP_STATIC_THROTTLE_FACTOR = 1
# Sign-ins, failures and lockouts (core.SignInEvent) are kept at least this long; nothing deletes them sooner.
SIGN_IN_EVENTS_KEPT_DAYS = env_int("SIGN_IN_EVENTS_KEPT_DAYS", 183)
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# --- Cache (rate limits of the public pages; axes and sessions are in the database) ----------------------
# Shared by every gunicorn worker and host without extra infrastructure: Django's database cache, a table in
# PostgreSQL (created by core's migration 0006). REDIS_URL switches to Redis. A per-process cache
# (CACHE_BACKEND=locmem) would let each worker count its own limit: a system check warns (core.checks).
REDIS_URL = env_str("REDIS_URL") or ""
if REDIS_URL:
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(
            "REDIS_URL is set but the 'redis' package is not installed (pip install redis)."
        )
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
elif env_str("CACHE_BACKEND") == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            # Expired rows are removed when the table passes this many (Django culls on write).
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# --- Reminders: email and text messages (core/reminders.py, core/sms.py; README "Reminders") ---------------
# Email goes through Django's email backend: SMTP when EMAIL_HOST is set; in development (DEBUG) without it,
# the console (the messages are printed by the worker); otherwise no reminder is emailed.
EMAIL_HOST = env_str("EMAIL_HOST", "") or ""
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 465 if env_bool("EMAIL_USE_SSL", default=False) else 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "") or ""
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "") or ""
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
    EMAIL_USE_TLS = not EMAIL_USE_SSL and env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "") or "noreply@localhost"
REMINDER_EMAIL = bool(EMAIL_HOST) or DEBUG
# A dotted path to a class with send(phone, text) for the town's SMS gateway; empty: no text messages.
SMS_ADAPTER = env_str("SMS_ADAPTER", "") or ""
# The address people open the system at (https://…), for the links in reminder emails.
SITE_URL = env_str("SITE_URL", "") or ""

# --- Logging ---------------------------------------------------------------------------------------------
# LOG_FORMAT=json writes one JSON object per line (for journald / a log collector); "plain" for people.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', got {LOG_FORMAT!r}")
# The job queue (core/jobs.py): a finished job leaves the queue table; core.models.TaskRun keeps its record.
PROCRASTINATE_WORKER_DEFAULTS = {"delete_jobs": "successful"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Chatty libraries: WeasyPrint's per-stylesheet progress, font subsetting, axes' routine clean-ups.
    # Their warnings (and axes' lockouts) still come through.
    "loggers": {
        name: {"level": "WARNING"}
        for name in ("weasyprint", "fontTools", "axes", "procrastinate.periodic", "procrastinate.blueprints")
    },
}
