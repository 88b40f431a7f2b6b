import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sankangaku.settings")

application = get_wsgi_application()
# Django imports the URL patterns (and with them every view module) at the first request;
# import them now, so that first request is not slow and they are frozen below too.
get_resolver().url_patterns  # noqa: B018 - evaluated for its import side effect

# What is loaded now (Django, the URL patterns, the apps) lives as long as the process: keep
# it out of the garbage collector's passes, and let a request's many short-lived objects
# pile up longer between passes. Measured on the load mix: 0.49 → 0.22 ms of collection a
# request (tests/benchmarks/README.md); memory growth is reported by benchmark_load.
gc.freeze()
gc.set_threshold(10_000, 10, 10)
