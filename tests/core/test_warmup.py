"""rucher.core.warmup: what rucher/wsgi.py runs in each web worker before its first request."""

import gc

import pytest

from rucher.core.warmup import warm_up


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_warm_up_freezes_what_is_loaded_and_still_collects_new_garbage(unfrozen) -> None:
    warm_up()
    frozen = gc.get_freeze_count()
    # Django, the apps, the URLconf and the layout: far more than a bare interpreter's objects.
    assert frozen > 50_000

    class Cycle:
        pass

    a, b = Cycle(), Cycle()
    a.other, b.other = b, a  # type: ignore[attr-defined]
    del a, b
    # A request's cyclic garbage is still found: the freeze only hides what was loaded.
    assert gc.collect() >= 2
    assert gc.get_freeze_count() == frozen


def test_the_wsgi_module_warms_up(unfrozen) -> None:
    import importlib

    import rucher.wsgi

    importlib.reload(rucher.wsgi)
    assert gc.get_freeze_count() > 50_000
