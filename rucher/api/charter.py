"""The network's usage charter: read the current version, accept it."""

from django.conf import settings
from django.http import Http404
from ninja import Router, Schema

from rucher.accounts import services
from rucher.accounts.access import access_current_charter
from rucher.accounts.models import Charter
from rucher.api.auth import AuthedRequest
from rucher.api.schemas import ERRORS, ErrorOut

router = Router(tags=["charter"])


class CharterOut(Schema):
    version: int
    text: str
    accepted: bool


class CharterAcceptedOut(Schema):
    version: int
    accepted: bool


def _current(request: AuthedRequest) -> Charter:
    charter = access_current_charter(request.auth)
    if charter is None:
        raise Http404
    return charter


@router.get("/charter", response={200: CharterOut, ERRORS: ErrorOut})
def charter_get(request: AuthedRequest) -> CharterOut:
    charter = _current(request)
    person = request.auth
    language = person.language or getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return CharterOut(
        version=charter.version,
        text=charter.text_for(language),
        accepted=person.accepted_charter_version >= charter.version,
    )


@router.post("/charter/accept", response={200: CharterAcceptedOut, ERRORS: ErrorOut})
def charter_accept(request: AuthedRequest) -> CharterAcceptedOut:
    charter = _current(request)
    services.charter_accept(person=request.auth, charter=charter)
    return CharterAcceptedOut(version=charter.version, accepted=True)
