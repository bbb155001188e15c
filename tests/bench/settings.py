"""Settings of `make bench`: Rucher's own settings (run with RUCHER_ENV=production by the runner)
plus one URL, the floor page (tests/bench/urls.py). Nothing else differs."""

from rucher.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
