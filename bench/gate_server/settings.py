"""The project's settings with the benchmark's URLs (a bare view beside the real ones)."""

from shaodian.settings import *  # noqa: F403

ROOT_URLCONF = "bench.gate_server.urls"
DEBUG = False
