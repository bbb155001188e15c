"""The demo's everyday life: three sites with desks, offers this week, services of every
category; loaded once."""

import pytest

from rucher.accounts.demo import demo_load
from rucher.life.demo import demo_life_load
from rucher.life.models import Desk, DeskBooking, DeskOffer, Service, ServiceCategory, Site


@pytest.mark.django_db
def test_the_demo_life_is_alive_and_loaded_once():
    demo_load()
    result = demo_life_load()
    assert result["sites"] == 3 and result["desks"] > 20 and result["services"] >= 12
    assert {s.name for s in Site.objects.all()} == {"Paris — La Défense", "Lyon", "Nantes"}
    assert DeskOffer.objects.exists()
    assert DeskBooking.objects.exists()
    assert set(Service.objects.values_list("category", flat=True)) == set(ServiceCategory.values)
    assert Desk.objects.filter(owner__username="camille.martin").exists()
    counts = (Desk.objects.count(), Service.objects.count())
    assert demo_life_load() == {"sites": 0, "desks": 0, "services": 0}
    assert (Desk.objects.count(), Service.objects.count()) == counts
