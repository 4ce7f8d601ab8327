"""The product's settings as the benchmark serves them: DEBUG off, plus the two bare baseline views.

Everything else (middleware, sessions, MFA, audit, templates, database) is exactly the product's, so a
page's time is set against the cost of a constant answer from the same server.
"""

from igportal.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
