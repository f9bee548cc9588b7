"""Shaodian settings: one file, every value read from the environment (see env.py)."""

import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from whitenoise.compress import Compressor

from shaodian.env import dev_secrets, env_bool, env_int, env_key, env_keys, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("SHAODIAN_DATA_DIR", str(BASE_DIR / "data")))

DEBUG = env_bool("SHAODIAN_DEBUG", False)
_dev = {} if env_str("SHAODIAN_SECRET_KEY") else dev_secrets(DATA_DIR / "dev-secrets.json")
SECRET_KEY = env_str("SHAODIAN_SECRET_KEY") or _dev["SHAODIAN_SECRET_KEY"]
# Keys of their own, never SECRET_KEY: rotating the session key must not lose ID numbers.
FIELD_ENCRYPTION_KEY = env_key("SHAODIAN_FIELD_KEY", _dev)
FIELD_HASH_KEY = env_key("SHAODIAN_HASH_KEY", _dev)
# During a rotation (manage.py rotate_keys): the keys before, still read, never written.
FIELD_ENCRYPTION_KEYS_OLD = env_keys("SHAODIAN_FIELD_KEYS_OLD")
FIELD_HASH_KEYS_OLD = env_keys("SHAODIAN_HASH_KEYS_OLD")
PERSONAL_CODE_KEY = env_key("SHAODIAN_CODE_KEY", _dev)

ALLOWED_HOSTS = env_list(
    "SHAODIAN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("SHAODIAN_CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = "哨点 Shaodian"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # for its bundled swagger-ui static files: /api/docs works offline
    "django_tasks_db",
    "simple_history",
    "apps.core",
    "apps.regions",
    "apps.orgs",
    "apps.access",
    "apps.accounts",
    "apps.people",
    "apps.families",
    "apps.rosters",
    "apps.policy",
    "apps.risk",
    "apps.travel",
    "apps.status",
    "apps.notifications",
    "apps.followups",
    "apps.emergency",
    "apps.health",
    "apps.gate",
    "apps.absence",
    "apps.schoolyear",
    "apps.transfers",
    "apps.testing",
    "apps.reports",
    "apps.supervision",
    "apps.concerns",
    "apps.supplies",
    "apps.parcels",
    "apps.disinfection",
    "apps.approvals",
    "apps.isolation",
    "apps.visitors",
    "apps.operations",
    "apps.web",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "shaodian.middleware.SecurityHeadersMiddleware",
    "shaodian.middleware.StaticFilesMiddleware",  # WhiteNoise's
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.routers.PrimaryAfterWriteMiddleware",  # read-your-own-write with a replica
    "apps.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.PasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "shaodian.urls"
WSGI_APPLICATION = "shaodian.wsgi.application"

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
                "apps.web.context_processors.navigation",
            ],
        },
    },
]

# SQLite under the data folder by default; PostgreSQL (or any URL) when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'shaodian.sqlite3'}"),
        conn_max_age=env_int("SHAODIAN_DB_CONN_MAX_AGE", 60),
    )
}
# Named PostgreSQL schema for every table (one province's deployment in its own schema; see
# docs/deploy.md). Empty: PostgreSQL's default search_path (public).
DATABASE_SCHEMA = env_str("SHAODIAN_DATABASE_SCHEMA", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, except that migrations add a column and its constraints in separate
    # statements (Citus) and `migrate` creates DATABASE_SCHEMA: apps/core/postgresql.
    DATABASES["default"]["ENGINE"] = "apps.core.postgresql"
    if DATABASE_SCHEMA:
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", DATABASE_SCHEMA):
            raise ImproperlyConfigured(
                "SHAODIAN_DATABASE_SCHEMA: lower-case letters, digits and _ (63 at most)")
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c search_path={DATABASE_SCHEMA},public")
if DATABASES["default"]["ENGINE"] == "apps.core.postgresql":
    # Statements run through apps.core.db.prepared_cursor (a request's token, grants, person
    # and row) are planned once per connection after this many uses. Django's own queries
    # bind on the client and are never prepared. 0 turns it off (a pooler in transaction
    # mode that cannot keep prepared statements).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        env_int("SHAODIAN_DB_PREPARE_THRESHOLD", 5) or None)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A streaming replica of the primary (docs/deploy.md): reads that tolerate a few seconds'
# lag (dashboards, reports, exports, lists) opt into it with apps.core.routers.
# reads_from_replica; everything else, and every write, stays on the primary. A browser
# that wrote reads the primary for REPLICA_PIN_SECONDS after (read-your-own-write). The
# suite treats it as a mirror of the test database (Django's TEST MIRROR: no test database
# is made for it; streaming copies the primary's) and reads it only in tests that ask.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
REPLICA_PIN_SECONDS = env_int("SHAODIAN_REPLICA_PIN_SECONDS", 10)
REPLICA_READS = env_bool("SHAODIAN_REPLICA_READS", True)
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "apps.core.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL on PostgreSQL")
    _replica = dj_database_url.parse(DATABASE_REPLICA_URL,
                                     conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"] = {**_replica, "ENGINE": "apps.core.postgresql",
                            "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
                            "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["apps.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("SHAODIAN_FAST_HASHER", False):  # test runs only: argon2 per persona is slow
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
LOGIN_MAX_FAILURES = env_int("SHAODIAN_LOGIN_MAX_FAILURES", 5)
# Two triggers: a case report for a region within this many hours of the last one joins its
# alert (extends the trace-back) instead of firing new triggers; trace-back follow-ups are
# due this many hours after the report.
SHAODIAN_ALERT_MERGE_HOURS = env_int("SHAODIAN_ALERT_MERGE_HOURS", 24)
SHAODIAN_TRACE_FOLLOWUP_HOURS = env_int("SHAODIAN_TRACE_FOLLOWUP_HOURS", 4)
LOGIN_LOCKOUT_MINUTES = env_int("SHAODIAN_LOGIN_LOCKOUT_MINUTES", 15)
# Guardians' binding codes (apps.families): how long a printed code lasts, how many children
# one guardian account may hold, and the lockout on wrong codes per address and phone.
SHAODIAN_BINDING_CODE_DAYS = env_int("SHAODIAN_BINDING_CODE_DAYS", 14)
SHAODIAN_GUARDIAN_MAX_CHILDREN = env_int("SHAODIAN_GUARDIAN_MAX_CHILDREN", 4)
SHAODIAN_BINDING_MAX_FAILURES = env_int("SHAODIAN_BINDING_MAX_FAILURES", 10)
SHAODIAN_BINDING_LOCKOUT_MINUTES = env_int("SHAODIAN_BINDING_LOCKOUT_MINUTES", 15)
# Staff accounts' one-time activation codes (apps.accounts): days a printed code lasts.
SHAODIAN_ACTIVATION_CODE_DAYS = env_int("SHAODIAN_ACTIVATION_CODE_DAYS", 14)

SECURE_HTTPS = env_bool("SHAODIAN_HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SHAODIAN_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, fonts and images come from this server only (every front-end package is
# served locally) and no page runs inline script or eval: behaviours are data attributes
# read by web/page.js. Styles may be inline (style attributes; htmx and Chart.js set them).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
PERMISSIONS_POLICY = env_str(
    "SHAODIAN_PERMISSIONS_POLICY",
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), midi=(), display-capture=(), browsing-topics=()",
)
if SECURE_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    # The deployment's own host and its subdomains speak HTTPS only; set 0 for a host
    # whose subdomains are not all served over HTTPS.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SHAODIAN_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SHAODIAN_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Front-end packages come from the npm registry (package.json); `make assets` builds the few
# files the pages use from node_modules into build/static/vendor (shaodian/assets.py) and
# runs collectstatic into STATIC_ROOT, a build product like them. Nothing third-party is
# committed and nothing is loaded from a CDN.
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STATIC_ROOT = BASE_DIR / "build" / "collected"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (pages name `bootstrap.min.<hash>.css` through {% static %} and the
    # manifest), each with its gzip and brotli version made at collectstatic. WhiteNoise
    # answers a hashed name with a year's `Cache-Control: max-age=31536000, immutable` and
    # the smallest encoding the browser accepts.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Only the collected files are served (the finders and re-scanning are for development with
# SHAODIAN_DEBUG=1, where {% static %} names files without their hash).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Pages name hashed files only: the unhashed copies are not kept (nor compressed), and
# source maps (ninja's, some 5 MB, fetched only by a browser's developer tools) are not
# compressed, which keeps collectstatic short.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

TASKS = {
    "default": {
        "BACKEND": env_str("SHAODIAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
WORKER_HEARTBEAT_SECONDS = env_int("SHAODIAN_WORKER_HEARTBEAT_SECONDS", 10)
# Tasks the worker queues by itself, every so many seconds (apps/operations/heartbeat.py).
# Each is idempotent, so two workers queueing the same one do no harm.
PERIODIC_TASKS = {
    "apps.operations.tasks.prune_login_failures": 6 * 3600,
    "apps.families.tasks.prune_binding_failures": 6 * 3600,
    # personal records past their keeping period (pack parameters retention_*_days)
    "apps.operations.tasks.purge_expired": env_int("SHAODIAN_RETENTION_SWEEP_SECONDS", 24 * 3600),
    # the month partitions of the streams (PostgreSQL) made ahead: apps.core.partitions
    "apps.operations.tasks.extend_partitions": 6 * 3600,
    # statuses whose end date passed or whose next test fell due
    "apps.status.tasks.recompute_expiring": env_int("SHAODIAN_STATUS_SWEEP_SECONDS", 15 * 60),
    # cluster detection in every school with recent sick absences or abnormal check-ins
    "apps.absence.tasks.detect_clusters_everywhere": env_int("SHAODIAN_CLUSTER_SWEEP_SECONDS",
                                                             30 * 60),
    # outside deliveries of notifications: retries, and any run missed after a send
    "apps.notifications.tasks.deliver_due": env_int("SHAODIAN_NOTIFY_DELIVERY_SECONDS", 60),
    # triggers past their 30 minutes without acknowledgement; finished trace-backs
    "apps.emergency.tasks.watch_trigger_clocks": 60,
    # check-in reminders at each slot's reminder time (apps/health/conf.py), once per slot
    "apps.health.tasks.send_checkin_reminders": env_int("SHAODIAN_CHECKIN_REMINDER_SECONDS", 300),
    # roster imports a dead worker left waiting queued again; old stored uploads and exports deleted
    "apps.rosters.tasks.roster_housekeeping": env_int("SHAODIAN_ROSTER_SWEEP_SECONDS", 600),
    # every open school's daily report of today drafted or refreshed (set-based)
    "apps.reports.tasks.draft_daily_reports": env_int("SHAODIAN_DAILY_REPORT_SWEEP_SECONDS",
                                                      30 * 60),
    # each school's late items counted for the bureaus' rankings (apps.web.lateness)
    "apps.web.tasks.refresh_lateness": env_int("SHAODIAN_LATENESS_SWEEP_SECONDS", 60),
    # workbooks the worker wrote (apps.reports.exports) deleted, with their jobs, once old
    "apps.reports.tasks.prune_exports": env_int("SHAODIAN_EXPORT_SWEEP_SECONDS", 3600),
    # roles whose last day has passed (the grants ignore them from midnight on) removed
    "apps.access.tasks.remove_ended_roles": env_int("SHAODIAN_ROLES_SWEEP_SECONDS", 3600),
    # scheduled switches of a province's policy pack whose time has come, applied once each
    "apps.policy.tasks.apply_due_switches": env_int("SHAODIAN_POLICY_SWITCH_SECONDS", 60),
    # the pack's testing cycle (whole school within N days, then P % a day): each day's
    # automatic rounds, once per school and day however often it runs
    "apps.testing.tasks.open_cycle_rounds": env_int("SHAODIAN_TESTING_CYCLE_SECONDS", 3600),
    # every school's headcount recounted in one statement, under the recounts each write
    # makes for its schools (the dashboards read these, never a count of people)
    "apps.people.tasks.recount_headcounts": env_int("SHAODIAN_HEADCOUNT_SWEEP_SECONDS", 3600),
    # concerns (诉求) past their deadline escalated to the school's admins, then the bureau
    "apps.concerns.tasks.escalate_late_concerns": env_int("SHAODIAN_CONCERN_SWEEP_SECONDS", 300),
    # every school's days of cover of each supply, kept per day for its chart (one statement)
    "apps.supplies.tasks.snapshot_cover": env_int("SHAODIAN_SUPPLIES_SNAPSHOT_SECONDS", 6 * 3600),
    # areas' due times refreshed by mode and policy, reminders for overdue ones (once each)
    "apps.disinfection.tasks.remind_overdue_areas": env_int("SHAODIAN_DISINFECTION_SWEEP_SECONDS",
                                                            600),
    # approvals pending past their deadline: their approvers reminded, once each
    "apps.approvals.tasks.remind_overdue": env_int("SHAODIAN_APPROVALS_REMIND_SECONDS", 900),
    # isolations with no care visit today: the epidemic office reminded from the pack's
    # isolation_care_reminder_time, once per isolation and day
    "apps.isolation.tasks.remind_missing_care": env_int("SHAODIAN_ISOLATION_CARE_SECONDS", 600),
    # hosts told their visitors arrived at the gate (out of the scan), once each
    "apps.visitors.tasks.tell_arrivals": env_int("SHAODIAN_VISITORS_ARRIVAL_SECONDS", 30),
}
# A worker that runs only what is queued (a second worker; a benchmark's, which must not
# sweep the province it measures): SHAODIAN_PERIODIC_TASKS=0.
if not env_bool("SHAODIAN_PERIODIC_TASKS", True):
    PERIODIC_TASKS = {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SHAODIAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

API_PAGE_SIZE = env_int("SHAODIAN_API_PAGE_SIZE", 50)
# Roster uploads larger than this are refused before they are parsed.
ROSTER_MAX_BYTES = env_int("SHAODIAN_ROSTER_MAX_BYTES", 50 * 1024 * 1024)
# Checked roster uploads (encrypted) and finished exports wait here for the background
# worker and the download; the worker and the web server must share this directory.
ROSTER_FILES_DIR = Path(env_str("SHAODIAN_ROSTER_FILES_DIR", str(DATA_DIR / "rosters")))
# Uploads up to this size are checked and imported during the request; larger ones by the
# worker, with a progress bar. Exports of more rows than this likewise run in the worker.
ROSTER_SYNC_MAX_BYTES = env_int("SHAODIAN_ROSTER_SYNC_MAX_BYTES", 1024 * 1024)
ROSTER_EXPORT_SYNC_ROWS = env_int("SHAODIAN_ROSTER_EXPORT_SYNC_ROWS", 20_000)
# Stored uploads and exports are deleted this long after they were last needed.
ROSTER_FILES_KEEP_HOURS = env_int("SHAODIAN_ROSTER_FILES_KEEP_HOURS", 24)
# Inspection photos (apps/supervision/photos.py): stored here, never served as static files,
# only through the scoped photo page; larger ones are refused.
SUPERVISION_FILES_DIR = Path(env_str("SHAODIAN_SUPERVISION_FILES_DIR",
                                     str(DATA_DIR / "supervision")))
# Photos of parcels at the delivery point (apps/parcels/photos.py): as inspection photos.
PARCELS_FILES_DIR = Path(env_str("SHAODIAN_PARCELS_FILES_DIR", str(DATA_DIR / "parcels")))
SUPERVISION_PHOTO_MAX_BYTES = env_int("SHAODIAN_SUPERVISION_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
# Inspection photos are deleted (files and rows) this many days after they were taken
# (apps/operations/retention.py); 0 keeps them.
SUPERVISION_PHOTO_RETENTION_DAYS = env_int("SHAODIAN_SUPERVISION_PHOTO_RETENTION_DAYS", 3 * 365)
# Workbooks too large for a request (apps/reports/exports.py), written by the worker, wait
# here for their requester for EXPORT_FILES_KEEP_HOURS; the worker and the web server share it.
EXPORT_FILES_DIR = Path(env_str("SHAODIAN_EXPORT_FILES_DIR", str(DATA_DIR / "exports")))
EXPORT_FILES_KEEP_HOURS = env_int("SHAODIAN_EXPORT_FILES_KEEP_HOURS", 24)
# Lists count at most this many rows (apps/core/pagination.py).
LIST_COUNT_CAP = env_int("SHAODIAN_LIST_COUNT_CAP", 10_000)
PERSONAL_CODE_GRACE_HOURS = env_int("SHAODIAN_PERSONAL_CODE_GRACE_HOURS", 2)
# Notifications' outside channels (apps/notifications/channels.py): the demo's console
# channel, the SMS gateway's URL, and the address that makes links in e-mails absolute.
NOTIFICATION_CONSOLE = env_bool("SHAODIAN_NOTIFY_CONSOLE", False)
# Daily check-ins (apps/health/conf.py): when each slot (morning, noon, evening) opens and is
# due (later is late), Asia/Shanghai wall-clock times; reminders go out the school's policy's
# `checkin_reminder_minutes` before (apps/health/reminders.py).
SHAODIAN_CHECKIN_OPENS = env_list("SHAODIAN_CHECKIN_OPENS", ["00:00", "11:00", "17:00"])
SHAODIAN_CHECKIN_DUE = env_list("SHAODIAN_CHECKIN_DUE", ["08:00", "13:00", "21:00"])
# Flags for the class teacher: the same temperature on this many days in a row; one device
# submitting for at least this many people in a day (a guardian of two children is normal);
# a whole class identical once it has at least this many check-ins in a slot.
SHAODIAN_CHECKIN_SAME_ANSWER_DAYS = env_int("SHAODIAN_CHECKIN_SAME_ANSWER_DAYS", 5)
SHAODIAN_CHECKIN_DEVICE_PERSONS = env_int("SHAODIAN_CHECKIN_DEVICE_PERSONS", 3)
SHAODIAN_CHECKIN_CLASS_IDENTICAL_MIN = env_int("SHAODIAN_CHECKIN_CLASS_IDENTICAL_MIN", 5)
# A school's check-in rules (slots, fever line) are cached per process this long
# (apps/health/rules.py); a policy change committed in the process drops them at once.
SHAODIAN_CHECKIN_POLICY_CACHE_SECONDS = env_int("SHAODIAN_CHECKIN_POLICY_CACHE_SECONDS", 300)
# Gate scans committed without waiting for the disk (apps/gate/services.py says the cost).
GATE_RELAXED_COMMIT = env_bool("SHAODIAN_GATE_RELAXED_COMMIT", False)
# E-mail for the notifications' e-mail channel (Django's MAILERS; tests swap in locmem).
MAILERS = {
    "default": {
        "BACKEND": env_str("SHAODIAN_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {"host": env_str("SHAODIAN_EMAIL_HOST", "localhost"),
                    "port": env_int("SHAODIAN_EMAIL_PORT", 25)},
    },
}
NOTIFICATION_SMS_GATEWAY_URL = env_str("SHAODIAN_SMS_GATEWAY_URL", "")
SITE_URL = env_str("SHAODIAN_SITE_URL", "")
# Hosts robots and webhooks may post to (empty: any), e.g. qyapi.weixin.qq.com,.dingtalk.com
NOTIFICATION_WEBHOOK_HOSTS = env_list("SHAODIAN_WEBHOOK_HOSTS", [])
# A delivery claimed this long ago by a run that never recorded it is sent again (the run died).
NOTIFICATION_CLAIM_LEASE_SECONDS = env_int("SHAODIAN_NOTIFY_CLAIM_LEASE_SECONDS", 600)
# Notifications, their deliveries and dedupe keys are kept this many days, the same for every
# user (they follow a user, not a school); the inbox shows this window (0 keeps them all).
NOTIFICATION_RETENTION_DAYS = env_int("SHAODIAN_NOTIFICATION_RETENTION_DAYS", 180)
