"""Settings of the ceiling app: DEBUG off, no middleware but the common one, one database."""

import os

import dj_database_url

DEBUG = False
SECRET_KEY = "bench-ceiling-not-a-secret"  # noqa: S105 - a loopback benchmark, never deployed
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = ["bench.ceiling"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "bench.ceiling.urls"
WSGI_APPLICATION = "bench.ceiling.wsgi.application"
# The same persistent connections as Shanzhi's settings (CONN_MAX_AGE 60, health checks).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["CEILING_DATABASE_URL"], conn_max_age=60, conn_health_checks=True
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
