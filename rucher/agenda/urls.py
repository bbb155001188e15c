"""Web URLs of the agenda: the Events tab, events, the personal agenda, iCalendar files."""

from django.urls import URLPattern, URLResolver, path

from rucher.agenda import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("c/<str:slug>/events/", views.community_events, name="community_events"),
    path("c/<str:slug>/events/new/", views.event_new, name="event_new"),
    path("events/<int:event_id>/", views.event_detail, name="event"),
    path("events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:event_id>/cancel", views.event_cancel, name="event_cancel"),
    path("events/<int:event_id>/rsvp", views.event_rsvp, name="event_rsvp"),
    path("events/<int:event_id>.ics", views.event_ics, name="event_ics"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/calendar-url/reset", views.agenda_reset, name="agenda_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
