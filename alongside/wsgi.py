import gc
import importlib
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
application = get_wsgi_application()
# Import every view (and what they import: pandas, the analyses) while the worker starts,
# not during someone's first request: that one otherwise waited for all of it (seconds).
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
# The analyses load on first use (so the command line starts fast); a web worker is the
# place that uses them, and the couple page's first request waited 1.6 s for scipy.
analytics = importlib.import_module("alongside.analytics")
for name in analytics.__all__:
    getattr(analytics, name)
# What the worker loaded to start (Django, the views, pandas) lives as long as the worker:
# kept out of the garbage collector's full passes, which otherwise walk all of it again
# every few hundred allocations (on the couple page, 2.9 ms of each request; 0.8 after).
gc.collect()
gc.freeze()
