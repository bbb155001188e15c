"""The web pages of everyday life: services, desks (list, week calendar, import), coffee."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from rucher.core.factories import PersonFactory
from rucher.life import services
from rucher.life.models import Desk, DeskBooking, DeskOffer, Service, ServicePhoto, Site

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _client(person, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(person)
    return client


def _png(size=(4, 4)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 150, 0)).save(out, format="PNG")
    return out.getvalue()


def test_pages_require_sign_in(client):
    for url in ("/services/", "/services/new/", "/desks/", "/coffee/"):
        assert client.get(url)["Location"].startswith("/accounts/login/")


def test_the_services_page_lists_and_filters_in_a_fixed_number_of_queries(
    member, paris, django_assert_max_num_queries
):
    authors = PersonFactory.create_batch(4)
    for i in range(25):
        services.service_create(
            author=authors[i % 4],
            kind="offer",
            category="sport" if i % 2 else "meal",
            title=f"Service {i}",
            site=paris,
        )
    client = _client(member)
    with django_assert_max_num_queries(12):
        r = client.get("/services/?near=1")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Service 24" in html and "Load more" in html
    with django_assert_max_num_queries(12):
        r = client.get("/services/?category=sport&state=all")
    assert "Service 23" in r.content.decode() and "Service 24" not in r.content.decode()
    assert client.get("/services/?cursor=nope").status_code == 400


def test_a_carpool_is_offered_from_the_web_and_a_rider_accepted(member, colleague, paris, today):
    r = _client(member).post(
        "/services/new/",
        {
            "kind": "offer",
            "category": "carpool",
            "title": "Paris → Lyon",
            "site": paris.pk,
            "starts_on": str(today + timedelta(days=4)),
            "from_place": "Paris",
            "to_place": "Lyon",
            "seats": "1",
            "private_replies": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    service = Service.objects.get()
    r = _client(colleague).post(f"/services/{service.pk}/reply", {"body": "Une place svp"})
    assert r.status_code == 302
    reply = service.replies.get()
    page = _client(member).get(f"/services/{service.pk}/").content.decode()
    assert "Une place svp" in page and "Accept as rider" in page
    _client(member).post(f"/services/{service.pk}/replies/{reply.pk}/accept")
    service.refresh_from_db()
    assert (service.seats, service.status) == (0, "closed")
    # Private: a third person sees the service but not the reply.
    other = _client(PersonFactory()).get(f"/services/{service.pk}/").content.decode()
    assert "Paris → Lyon" in other and "Une place svp" not in other


def test_a_bad_service_form_shows_the_errors_and_writes_nothing(member, today):
    r = _client(member).post(
        "/services/new/",
        {
            "kind": "offer",
            "category": "carpool",
            "title": "Trajet",
            "starts_on": str(today - timedelta(days=1)),
            "seats": "0",
        },
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "This date is in the past." in html
    assert "Give between 1 and 50 seats." in html
    assert not Service.objects.exists()


def test_give_or_lend_with_photos_checked(member):
    data = {"kind": "offer", "category": "give_lend", "title": "Poussette"}
    photo = SimpleUploadedFile("p.png", _png(), content_type="image/png")
    r = _client(member).post("/services/new/", {**data, "photos": [photo]})
    assert r.status_code == 302
    assert ServicePhoto.objects.count() == 1
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    r = _client(member).post("/services/new/", {**data, "photos": [fake]})
    assert r.status_code == 400
    assert Service.objects.count() == 1


def test_a_too_large_photo_is_refused_by_the_pixel_budget(member, settings):
    settings.RUCHER_IMAGE_MAX_PIXELS = 100
    photo = SimpleUploadedFile("big.png", _png((20, 20)), content_type="image/png")
    r = _client(member).post(
        "/services/new/",
        {"kind": "offer", "category": "give_lend", "title": "Lit", "photos": [photo]},
    )
    assert r.status_code == 400
    assert "too large" in r.content.decode()
    assert not Service.objects.exists()


def test_an_unknown_service_is_404(member):
    assert _client(member).get("/services/999999/").status_code == 404


def test_the_desks_page_books_a_free_desk_and_shows_it(colleague, member, desk, today):
    client = _client(colleague)
    day = today + timedelta(days=1)
    r = client.get(f"/desks/?site={desk.site_id}&date={day}")
    assert r.status_code == 200
    assert "P2-01" in r.content.decode()
    r = client.post(f"/desks/{desk.pk}/book", {"date": str(day)})
    assert r.status_code == 302
    assert DeskBooking.objects.filter(desk=desk, person=colleague, day=day).exists()
    # The owner sees who booked the desk.
    html = _client(member).get("/desks/").content.decode()
    assert "Carol Colleague" in html
    # A second booking of the taken desk explains why.
    r = _client(PersonFactory()).post(f"/desks/{desk.pk}/book", {"date": str(day)}, follow=True)
    assert "already booked" in r.content.decode()


def test_the_owner_offers_the_desk_from_the_page(member, paris, today):
    desk = Desk.objects.create(site=paris, label="P9", owner=member)
    start = today + timedelta(days=7)
    r = _client(member).post(
        f"/desks/{desk.pk}/offer",
        {"starts_on": str(start), "ends_on": str(start + timedelta(days=4)), "weekday": ""},
    )
    assert r.status_code == 302
    assert DeskOffer.objects.filter(desk=desk, starts_on=start).exists()
    # Someone else's desk: as if it did not exist.
    assert _client(PersonFactory()).post(f"/desks/{desk.pk}/offer", {}).status_code == 404


def test_the_week_calendar_shows_free_and_booked_cells_in_few_queries(
    colleague, desk, other_desk, today, django_assert_max_num_queries
):
    DeskBooking.objects.create(desk=other_desk, person=colleague, day=today)
    for i in range(20):
        Desk.objects.create(site=desk.site, label=f"Z{i:02d}")
    client = _client(colleague)
    client.get("/desks/")  # the day's activity row (analytics) is written once
    with django_assert_max_num_queries(12):
        r = client.get(f"/desks/sites/{desk.site_id}/week/?week={today}")
    assert r.status_code == 200
    html = r.content.decode()
    assert "cell-free" in html and "cell-mine" in html
    assert client.get("/desks/sites/999999/week/").status_code == 404


def test_only_administrators_import_desks(member, admin_user):
    csv_text = "site,floor,label,owner\nNantes,RDC,N0-01,bob\nNantes,RDC,N0-02,\n"
    upload = SimpleUploadedFile("desks.csv", csv_text.encode(), content_type="text/csv")
    assert _client(member).post("/desks/import/", {"file": upload}).status_code == 404
    assert _client(member).get("/desks/import/").status_code == 404
    upload = SimpleUploadedFile("desks.csv", csv_text.encode(), content_type="text/csv")
    r = _client(admin_user).post("/desks/import/", {"file": upload})
    assert r.status_code == 302
    site = Site.objects.get(name="Nantes")
    assert sorted(site.desks.values_list("label", flat=True)) == ["N0-01", "N0-02"]
    assert site.desks.get(label="N0-01").owner == member


def test_a_bad_csv_line_imports_nothing(admin_user):
    csv_text = "site,floor,label,owner\nNantes,RDC,N0-01,\nNantes,RDC,,\nNantes,RDC,N0-03,ghost\n"
    upload = SimpleUploadedFile("desks.csv", csv_text.encode(), content_type="text/csv")
    r = _client(admin_user).post("/desks/import/", {"file": upload})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Line 3" in html and "Line 4" in html
    assert not Desk.objects.exists()
    assert not Site.objects.exists()


def test_an_administrator_uploads_a_floor_plan(admin_user, paris):
    floor = paris.floors.get()
    plan = SimpleUploadedFile("plan.png", _png(), content_type="image/png")
    r = _client(admin_user).post(f"/desks/floors/{floor.pk}/plan", {"plan": plan})
    assert r.status_code == 302
    floor.refresh_from_db()
    assert floor.plan.name.startswith("floors/")


def test_the_coffee_pages(member, colleague):
    from django.utils import timezone

    client = _client(member)
    assert client.get("/people/carol/coffee").status_code == 200
    when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = client.post("/people/carol/coffee", {"suggested_at": when, "message": "Café ?"})
    assert r.status_code == 302
    html = _client(colleague).get("/coffee/").content.decode()
    assert "Café ?" in html and "Accept" in html
    proposal = colleague.coffees_received.get()
    assert (
        _client(PersonFactory()).post(f"/coffee/{proposal.pk}/answer", {"accept": "1"}).status_code
        == 404
    )
    _client(colleague).post(f"/coffee/{proposal.pk}/answer", {"accept": "1"})
    proposal.refresh_from_db()
    assert proposal.status == "accepted"


def test_the_pages_are_in_french(member, desk):
    assert "Partage de bureaux" in _client(member, "fr").get("/desks/").content.decode()
    assert "Services entre collègues" in _client(member, "fr").get("/services/").content.decode()
