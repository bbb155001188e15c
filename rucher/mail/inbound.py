"""Received email (F-REPLY-BY-EMAIL, F-POST-BY-EMAIL): `handle_inbound` is the one function
behind both entry points of `rucher mailin` (the LMTP server and `--stdin`).

- `reply+<token>@<RUCHER_MAIL_DOMAIN>`: the reply becomes a comment by the token's person on the
  token's post, if the sender (the `From` address) is that person's registered address and they
  may still comment at reception. Quoted text and signatures are stripped.
- `<slug>+<token>@<RUCHER_MAIL_DOMAIN>`, a member's personal posting address
  (`rucher.mail.posting`), or the plain `<slug>@…` when the MTA authenticated the sender
  (RUCHER_MAILIN_AUTHSERV_ID) or an administrator allowed plain addresses: an email from the
  member's registered address becomes a post in that community: subject as title (optional, as
  on the web), text (or HTML turned into text) as body, files kept with the same rules as
  uploads.
- Bounces, auto-replies, mailing-list traffic and our own messages are dropped silently (a
  bounce could loop); a redelivered message (same Message-ID, same recipient) creates nothing.

Every call is one transaction: either everything (comment or post, files, log row) is written
or nothing but the log row. Each call logs one `InboundMessage` row and one log line, never the
message's text nor a reply token. Nothing raises: an unexpected error is a bounce ("could not be
processed"); a database that is unavailable is a temporary failure (the MTA retries).

Bounce messages speak the sender's language (their account's, else the organisation's: French
by default), say why and what to do; they travel in SMTP replies (accents folded to ASCII) that
the sender's server turns into its bounce.
"""

import codecs
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.actions import comments, posts
from rucher.communities import access as community_access
from rucher.communities.models import Membership
from rucher.content import access as content_access
from rucher.content import attachments
from rucher.content.models import MAX_TITLE_LENGTH, Comment, Post, PostCommunity
from rucher.core.text import is_lookup_key, without_hidden
from rucher.mail.models import InboundMessage, InboundOutcome
from rucher.mail.posting import posting_address_lookup
from rucher.mail.quotes import html_to_text, strip_reply, strip_signature
from rucher.mail.tokens import reply_token_lookup

logger = logging.getLogger("rucher.mail.inbound")

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_PARTS = 100
# Deeper multiparts are not opened (nobody writes them; they only serve to exhaust a parser).
MAX_DEPTH = 10
REPLY_PREFIX = "reply+"
# Not a row outcome: the database (or the file storage) is unavailable, the MTA retries later.
DEFERRED = "deferred"
# Cryptographic signatures travel as parts: they are not files for the readers.
_SIGNATURE_TYPES = frozenset(
    {"application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature"}
)
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|tr|aw|wg|réf|ref)\s*(\[\d+\])?\s*:\s*)+", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# SMTP reply code and enhanced status per bounce reason (the rest: 550 5.7.1, not allowed).
_BOUNCE_STATUS = {
    "no_such_address": ("550", "5.1.1"),
    "unknown_token": ("550", "5.1.1"),
    "too_large": ("552", "5.3.4"),
    "too_many_attachments": ("552", "5.3.4"),
    "attachment_too_large": ("552", "5.3.4"),
    "too_many_parts": ("554", "5.6.0"),
    "malformed": ("554", "5.6.0"),
    "attachment_refused": ("554", "5.6.0"),
    "empty_reply": ("554", "5.6.0"),
    "empty_post": ("554", "5.6.0"),
    "invalid": ("554", "5.6.0"),
    "error": ("554", "5.3.0"),
}
# sysexits.h, for MTA pipes: the MTA bounces on 67/77 and retries on 75.
EX_OK = 0
EX_NOUSER = 67
EX_TEMPFAIL = 75
EX_NOPERM = 77


@dataclass(frozen=True)
class InboundResult:
    outcome: str  # an InboundOutcome value, or DEFERRED
    reason: str  # a stable code: "unknown_sender", "auto_reply"… ("" when created)
    message: str  # for people: the SMTP reply text or the bounce
    post: Post | None = None
    comment: Comment | None = None

    @property
    def accepted(self) -> bool:
        """The MTA's job is done (created, or dropped on purpose)."""
        return self.outcome in (
            InboundOutcome.COMMENTED,
            InboundOutcome.POSTED,
            InboundOutcome.DROPPED,
        )

    @property
    def smtp_reply(self) -> str:
        """One SMTP/LMTP reply line (ASCII, short)."""
        text = _ascii(self.message)
        if self.accepted:
            return f"250 2.0.0 {text}"
        if self.outcome == DEFERRED:
            return f"451 4.3.0 {text}"
        code, enhanced = _BOUNCE_STATUS.get(self.reason, ("550", "5.7.1"))
        return f"{code} {enhanced} {text}"

    @property
    def exit_code(self) -> int:
        if self.accepted:
            return EX_OK
        if self.outcome == DEFERRED:
            return EX_TEMPFAIL
        _code, enhanced = _BOUNCE_STATUS.get(self.reason, ("550", "5.7.1"))
        return EX_NOUSER if enhanced == "5.1.1" else EX_NOPERM


class _Stop(Exception):
    """Ends the processing of a message: its transaction rolls back, the result is logged."""

    def __init__(self, outcome: str, reason: str, message: str) -> None:
        super().__init__(reason)
        self.result = InboundResult(outcome=outcome, reason=reason, message=message)


def _bounce(reason: str, message: str) -> _Stop:
    return _Stop(InboundOutcome.BOUNCED, reason, message)


def _check_owner(person: User, sender: str | None, mismatch: str) -> None:
    """A token address (reply or personal posting) works only from its owner's own address,
    and only while the owner is active."""
    if not sender or not person.email or sender.lower() != person.email.strip().lower():
        raise _bounce("sender_mismatch", mismatch)
    if not person.is_active:
        raise _bounce(
            "inactive",
            _(
                "Your account is no longer active: nothing was published. Ask an administrator "
                "of the network if this is a mistake."
            ),
        )


def _drop(reason: str, message: str) -> _Stop:
    return _Stop(InboundOutcome.DROPPED, reason, message)


@dataclass
class _Trace:
    """What the log row and the log line say about a message (no text, no token)."""

    message_id: str = ""
    sender: str = ""
    recipient: str = ""


def max_bytes() -> int:
    return int(getattr(settings, "RUCHER_MAILIN_MAX_BYTES", DEFAULT_MAX_BYTES))


def _max_parts() -> int:
    return int(getattr(settings, "RUCHER_MAILIN_MAX_PARTS", DEFAULT_MAX_PARTS))


def _mail_domain() -> str:
    return str(settings.RUCHER_MAIL_DOMAIN).strip().lower()


def _ascii(text: str) -> str:
    """SMTP replies are ASCII: typographic quotes become plain ones, accents go."""
    for fancy, plain in (("“", '"'), ("”", '"'), ("’", "'"), ("«", '"'), ("»", '"')):
        text = text.replace(fancy, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = " ".join(text.split())
    return text[:400]


def _clean(value: str) -> str:
    """Text from headers or parts, safe to store: no lone surrogates, no control characters."""
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        data = value.encode("utf-8", "replace")
    value = data.decode("utf-8", "replace")
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a header that does not parse is an absent header
        return ""
    return _clean(str(value)).strip() if value is not None else ""


def _headers(message: Message, name: str) -> list[str]:
    try:
        values = message.get_all(name) or []
    except Exception:  # noqa: BLE001
        return []
    return [_clean(str(value)).strip() for value in values]


def _addresses(value: str) -> list[str]:
    return [address.strip() for _name, address in getaddresses([value]) if "@" in address]


def _bare(address: str) -> str:
    address = _clean(address).strip().strip("<>").strip()
    return parseaddr(address)[1] or address


def _redacted(address: str) -> str:
    """A reply address without its token (a hash prefix still tells deliveries apart)."""
    local, _at, domain = address.rpartition("@")
    if local.lower().startswith(REPLY_PREFIX):
        token = local[len(REPLY_PREFIX) :].lower()
        return f"{REPLY_PREFIX}{hashlib.sha256(token.encode()).hexdigest()[:12]}@{domain}"
    return address


# --- parts -----------------------------------------------------------------------------------


@dataclass
class _File:
    name: str
    data: bytes


@dataclass
class _Content:
    text: str
    files: list[_File]


@dataclass
class _Received:
    """A message as read before its transaction opens: parsing and turning HTML into text are
    pure work that can take a while on a large message, and SQLite takes its write lock when a
    transaction begins, so no lock is held meanwhile (the transaction keeps to the checks that
    read the database and to the writes)."""

    message: Message
    recipient: str
    from_address: str
    # The text (quoted message or signature already stripped) and the files, or why they
    # cannot be read: that bounce is given only after the sender and the address were checked,
    # so that an unknown sender learns nothing from it.
    parts: _Content | _Stop

    def content(self) -> _Content:
        if isinstance(self.parts, _Stop):
            raise self.parts
        return self.parts


def _leaves(message: Message) -> list[Message]:
    """The leaf parts in order, walked without recursion; at most RUCHER_MAILIN_MAX_PARTS."""
    limit = _max_parts()
    leaves: list[Message] = []
    stack: list[tuple[Message, int]] = [(message, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > limit:
            raise _bounce(
                "too_many_parts",
                _(
                    "The message has too many parts (at most %(max)d): nothing was published. "
                    "Send fewer files, or publish on the web."
                )
                % {"max": limit},
            )
        payload = part.get_payload()
        if part.get_content_maintype() == "multipart" and isinstance(payload, list):
            if depth < MAX_DEPTH:
                stack.extend(
                    (child, depth + 1) for child in reversed(payload) if isinstance(child, Message)
                )
            continue
        leaves.append(part)
    return leaves


def _decode_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        codecs.lookup(charset)
    except (LookupError, ValueError):
        charset = "utf-8"  # an unknown charset: most likely UTF-8 in disguise
    for candidate, errors in ((charset, "strict"), ("utf-8", "strict"), (charset, "replace")):
        try:
            return _clean(payload.decode(candidate, errors))
        except (UnicodeError, LookupError, TypeError, ValueError):
            continue
    return _clean(payload.decode("utf-8", "replace"))


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001
        name = ""
    return _clean(str(name)).strip()


def _content(message: Message) -> _Content:
    plain: list[str] = []
    html: list[str] = []
    files: list[_File] = []
    for part in _leaves(message):
        content_type = part.get_content_type()
        maintype = part.get_content_maintype()
        disposition = part.get_content_disposition()
        name = _filename(part)
        if content_type in _SIGNATURE_TYPES:
            continue
        if maintype == "multipart":
            # A multipart whose parts could not be found (no or wrong boundary).
            raise _bounce("malformed", _("This is not a valid email: nothing was published."))
        if maintype == "text" and not name and disposition != "attachment":
            if content_type == "text/plain":
                plain.append(_decode_text(part))
            elif content_type == "text/html":
                html.append(_decode_text(part))
            # Other inline text (calendar invitations, vCards…) is not the message.
            continue
        if disposition != "attachment" and _header(part, "Content-ID"):
            # Pictures embedded in the HTML (signature logos): not files the person attached.
            continue
        if maintype == "message":
            raise _bounce(
                "attachment_refused",
                _(
                    "Attached emails are not accepted: forward the message inline instead. "
                    "Nothing was published."
                ),
            )
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            files.append(_File(name=name, data=data))
    text = "\n\n".join(plain) if plain else "\n\n".join(html_to_text(v) for v in html)
    return _Content(text=text, files=files)


def _upload_files(person: User, files: list[_File], stored: list[str]) -> list[int]:
    """Stores the files like uploads (same types, same size limit); any refused file refuses
    the whole message. Stored names go to `stored` so a rollback can remove them."""
    if len(files) > attachments.MAX_ATTACHMENTS:
        raise _bounce(
            "too_many_attachments",
            _("At most %(max)d files per message: nothing was published.")
            % {"max": attachments.MAX_ATTACHMENTS},
        )
    limit = attachments.attachment_max_bytes()
    ids = []
    for file in files:
        label = file.name or _("(no name)")
        if len(file.data) > limit:
            raise _bounce(
                "attachment_too_large",
                _("The file “%(name)s” is too large (at most %(size)s): nothing was published.")
                % {"name": label[:100], "size": filesizeformat(limit)},
            )
        try:
            attachment = attachments.attachment_upload(
                uploader=person, file=SimpleUploadedFile(file.name or "file", file.data)
            )
        except ValidationError as exc:
            raise _bounce(
                "attachment_refused",
                _("The file “%(name)s” was refused: %(error)s Nothing was published.")
                % {"name": label[:100], "error": " ".join(exc.messages)},
            ) from exc
        stored.append(attachment.file.name or "")
        ids.append(attachment.pk)
    return ids


def _invalid(exc: ValidationError) -> _Stop:
    fields = {"body": _("text"), "title": _("subject"), "attachments": _("files")}
    if hasattr(exc, "error_dict"):
        errors = "; ".join(
            f"{fields.get(field, field)}: {' '.join(ValidationError(errors).messages)}"
            for field, errors in exc.error_dict.items()
        )
    else:
        errors = " ".join(exc.messages)
    return _bounce(
        "invalid",
        _("Your message could not be published (%(errors)s). Nothing was published.")
        % {"errors": errors},
    )


# --- loops -----------------------------------------------------------------------------------


def _check_loops(message: Message, *, envelope_sender: str | None, from_address: str) -> None:
    """Bounces, auto-replies, list traffic and our own emails are dropped without a word."""
    domain = _mail_domain()
    null_sender = envelope_sender is not None and _bare(envelope_sender) == ""
    if envelope_sender is None:
        null_sender = _header(message, "Return-Path").strip() == "<>"
    senders = [from_address, _bare(envelope_sender or "")]
    if (
        null_sender
        or any(s.lower().partition("@")[0] == "mailer-daemon" for s in senders if s)
        or message.get_content_type() == "multipart/report"
    ):
        raise _drop("bounce", _("Delivery reports are not answered."))
    message_id = _header(message, "Message-ID").lower().rstrip(">").strip()
    if (
        any(s.lower().rpartition("@")[2] == domain for s in senders if s)
        or message_id.endswith(f"@{domain}")
        # rucher.mail.outbox marks every email it sends with the kind of notification.
        or _header(message, "X-Rucher-Kind")
    ):
        raise _drop("own_message", _("Our own emails are not answered."))
    auto_submitted = _header(message, "Auto-Submitted").lower()
    precedence = _header(message, "Precedence").lower()
    if (
        (auto_submitted and not auto_submitted.startswith("no"))
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or any(
            _header(message, name) and _header(message, name).lower() != "no"
            for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder")
        )
    ):
        raise _drop("auto_reply", _("Automatic replies are not answered."))
    if _header(message, "List-Id") or _header(message, "List-Unsubscribe"):
        raise _drop("list", _("Mailing-list emails are not published."))


def _authenticated(message: Message, address: str) -> bool:
    """When RUCHER_MAILIN_AUTHSERV_ID names the MTA's authentication service, the sender's
    domain must have passed DMARC or an aligned DKIM signature there. The MTA must remove
    Authentication-Results headers with its own id from incoming mail (OpenDKIM, OpenDMARC
    and rspamd do)."""
    authserv = str(getattr(settings, "RUCHER_MAILIN_AUTHSERV_ID", "") or "").strip().lower()
    if not authserv:
        return True
    domain = address.rpartition("@")[2].lower()
    for value in _headers(message, "Authentication-Results"):
        head, _semi, results = value.partition(";")
        words = head.split()
        if not words or words[0].lower() != authserv:
            continue
        for clause in results.lower().split(";"):
            clause = clause.strip()
            if clause.startswith("dmarc=pass"):
                return True
            signed = re.match(r"dkim=pass\b.*?\bheader\.[di]=@?([a-z0-9.-]+)", clause)
            if signed and (domain == signed[1] or domain.endswith("." + signed[1])):
                return True
    return False


# --- the two kinds of address ------------------------------------------------------------------


def _reply(received: _Received, token: str, stored: list[str]) -> InboundResult:
    message, sender = received.message, received.from_address
    found = reply_token_lookup(token)
    if found is None:
        raise _bounce(
            "unknown_token",
            _(
                "This reply address is unknown or no longer valid (the conversation may have "
                "been deleted): answer on the web instead."
            ),
        )
    person, post = found.person, found.post
    _check_owner(
        person,
        sender,
        _(
            "The sender does not match the person this reply address was sent to: reply "
            "from the address that received the notification. Nothing was published."
        ),
    )
    if not _authenticated(message, sender):
        raise _not_authenticated()
    no_access = _bounce(
        "no_access",
        _(
            "You can no longer comment on this post: it was deleted or hidden, or you are no "
            "longer a member of its community. Nothing was published."
        ),
    )
    try:
        post = content_access.access_post(person, post.pk)
    except Http404 as exc:
        raise no_access from exc
    removed = Membership.objects.filter(
        person=person,
        status=Membership.Status.REMOVED,
        community__in=PostCommunity.objects.filter(post=post).values("community"),
    )
    if removed.exists():
        raise no_access
    parsed = received.content()
    body = parsed.text
    if not body:
        raise _bounce(
            "empty_reply",
            _(
                "Your reply is empty once the quoted message and the signature are removed: "
                "write your answer above the quoted message. Nothing was published."
            ),
        )
    attachment_ids = _upload_files(person, parsed.files, stored)
    try:
        comment = comments.comment_publish(
            author=person, post=post, body=body, attachment_ids=attachment_ids
        )
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return InboundResult(
        outcome=InboundOutcome.COMMENTED,
        reason="",
        message=_("Comment published."),
        post=post,
        comment=comment,
    )


def _not_authenticated() -> _Stop:
    return _bounce(
        "not_authenticated",
        _(
            "Your email could not be authenticated (DKIM/DMARC) as coming from your address: "
            "nothing was published. Write to your personal posting address, shown on the "
            "community's page."
        ),
    )


def _title(subject: str) -> str:
    # Mail clients put direction marks and other invisible characters in subjects (a title on
    # the web refuses them): they go rather than refuse the email.
    title = without_hidden(" ".join(_SUBJECT_PREFIX.sub("", subject).split()))
    if len(title) > MAX_TITLE_LENGTH:
        title = title[: MAX_TITLE_LENGTH - 1].rstrip() + "…"
    return title


def _plain_addresses_allowed() -> bool:
    """The plain `<slug>@…` address trusts the `From` header: only with the MTA's DKIM/DMARC
    verdict (RUCHER_MAILIN_AUTHSERV_ID, checked next) or an administrator's explicit choice."""
    return bool(getattr(settings, "RUCHER_MAILIN_PLAIN_COMMUNITY_ADDRESSES", False)) or bool(
        str(getattr(settings, "RUCHER_MAILIN_AUTHSERV_ID", "") or "").strip()
    )


def _personal_sender(received: _Received, slug: str, detail: str) -> User | None:
    """The owner of the personal posting address `<slug>+<detail>`, once the `From` is theirs;
    None when `detail` is no personal address of this community (then the address is plain)."""
    found = posting_address_lookup(detail) if detail else None
    if found is None or found.community.slug.lower() != slug:
        return None
    person = found.person
    _check_owner(
        person,
        received.from_address,
        _(
            "The sender does not match the owner of this personal posting address: write "
            "from the address of your account. Nothing was published."
        ),
    )
    return person


def _post(received: _Received, slug: str, detail: str, stored: list[str]) -> InboundResult:
    message, sender = received.message, received.from_address
    personal = _personal_sender(received, slug, detail)
    # The sender first: an unknown sender learns nothing about which addresses exist.
    people = (
        [personal]
        if personal is not None
        else list(User.objects.filter(email__iexact=sender, is_active=True)[:2])
        if sender
        else []
    )
    if not people:
        raise _bounce(
            "unknown_sender",
            _(
                "Your address is not the registered address of a person of the network: write "
                "from the address of your account. Nothing was published."
            ),
        )
    if len(people) > 1:
        raise _bounce(
            "ambiguous_sender",
            _("Several accounts use your address: publish on the web instead."),
        )
    person = people[0]
    if personal is None and not _plain_addresses_allowed():
        # Before the community is looked up: the same answer whether it exists or not.
        raise _bounce(
            "personal_address_required",
            _(
                "To publish by email, write to your personal posting address for this "
                "community: it is shown on the community's page and in your email settings. "
                "The plain community address only accepts authenticated mail. Nothing was "
                "published."
            ),
        )
    if not _authenticated(message, sender):
        raise _not_authenticated()
    try:
        community = community_access.access_community(person, slug)
    except Http404 as exc:
        # A secret community is, for an outsider, exactly an address that does not exist.
        raise _no_such_address() from exc
    if not community_access.is_member(person, community):
        raise _bounce(
            "not_member",
            _(
                "You are not a member of this community: join it on the web before publishing "
                "by email. Nothing was published."
            ),
        )
    parsed = received.content()
    title = _title(_header(message, "Subject"))
    body = parsed.text
    if not body and title:
        # A subject and files only: the subject is the text (a post needs one, not a title).
        body, title = title, ""
    if not body:
        raise _bounce(
            "empty_post",
            _("Your message is empty: write a subject and some text. Nothing was published."),
        )
    attachment_ids = _upload_files(person, parsed.files, stored)
    try:
        post = posts.post_publish(
            author=person,
            communities=[community],
            title=title,
            body=body,
            attachment_ids=attachment_ids,
        )
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return InboundResult(
        outcome=InboundOutcome.POSTED, reason="", message=_("Post published."), post=post
    )


def _no_such_address() -> _Stop:
    return _bounce("no_such_address", _("No such address: check it on the community's page."))


# --- the entry point ---------------------------------------------------------------------------


def _recipient(message: Message, recipients: list[str] | None) -> tuple[str, bool]:
    """The address the message is for (the envelope's, else the headers'), and whether it is
    one of ours."""
    if recipients is not None:
        candidates = [_bare(r) for r in recipients]
    else:
        candidates = []
        for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
            for value in _headers(message, name):
                candidates.extend(_addresses(value))
    domain = _mail_domain()
    for candidate in candidates:
        if candidate.rpartition("@")[2].lower() == domain:
            return candidate, True
    return (candidates[0] if candidates else ""), False


def _from_address(message: Message, envelope_sender: str | None) -> str:
    found = []
    for value in _headers(message, "From"):
        found.extend(_addresses(value))
    if len(found) == 1:
        return found[0]
    if not found and envelope_sender:
        return _bare(envelope_sender)
    return ""  # several authors, or none: nobody in particular


def _already_done(trace: _Trace) -> bool:
    if not trace.message_id:
        return False
    return InboundMessage.objects.filter(
        message_id=trace.message_id,
        recipient=trace.recipient,
        outcome__in=[InboundOutcome.COMMENTED, InboundOutcome.POSTED],
    ).exists()


def _duplicate() -> InboundResult:
    return InboundResult(
        outcome=InboundOutcome.DROPPED,
        reason="duplicate",
        message=_("Already received: nothing was published twice."),
    )


def _receive(
    raw: bytes, recipients: list[str] | None, sender: str | None, trace: _Trace
) -> _Received:
    """Everything that needs no database: parsing, the checks on headers, the text."""
    if len(raw) > max_bytes():
        if recipients:
            trace.recipient = _redacted(_bare(recipients[0]))
        raise _bounce(
            "too_large",
            _(
                "The message is too large (at most %(size)s): nothing was published. Share "
                "large files through a link, or publish on the web."
            )
            % {"size": filesizeformat(max_bytes())},
        )
    message = BytesParser(policy=policy.default).parsebytes(raw)
    trace.message_id = _header(message, "Message-ID")[:255]
    recipient, ours = _recipient(message, recipients)
    from_address = _from_address(message, sender)
    trace.recipient = _redacted(recipient)[:255]
    trace.sender = from_address[:255]
    _check_loops(message, envelope_sender=sender, from_address=from_address)
    if not message.keys():
        # Not an email at all (no header could be read): nothing in it can be trusted.
        raise _bounce("malformed", _("This is not a valid email: nothing was published."))
    if not ours:
        raise _no_such_address()
    is_reply = recipient.rpartition("@")[0].lower().startswith(REPLY_PREFIX)
    parts: _Content | _Stop
    try:
        parts = _content(message)
    except _Stop as stop:
        parts = stop
    else:
        parts.text = strip_reply(parts.text) if is_reply else strip_signature(parts.text)
    return _Received(message=message, recipient=recipient, from_address=from_address, parts=parts)


def _process(received: _Received, trace: _Trace, stored: list[str]) -> InboundResult:
    if _already_done(trace):
        return _duplicate()
    local = received.recipient.rpartition("@")[0].lower()
    if local.startswith(REPLY_PREFIX):
        return _reply(received, local[len(REPLY_PREFIX) :], stored)
    slug, _plus, detail = local.partition("+")
    if not is_lookup_key(slug, max_length=community_access.MAX_SLUG_LENGTH):
        raise _no_such_address()
    return _post(received, slug, detail, stored)


def _record(trace: _Trace, result: InboundResult) -> None:
    InboundMessage.objects.create(
        message_id=trace.message_id,
        sender=trace.sender,
        recipient=trace.recipient,
        outcome=result.outcome,
        reason=result.reason,
        post=result.post,
        comment=result.comment,
    )


def _log(trace: _Trace, result: InboundResult) -> None:
    logger.info(
        "inbound email %s%s message_id=%s from=%s to=%s",
        result.outcome,
        f" ({result.reason})" if result.reason else "",
        trace.message_id or "-",
        trace.sender or "-",
        trace.recipient or "-",
    )


def _remove_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # noqa: BLE001 - an orphan file is harmless; the bounce matters
            logger.warning("could not remove the file %s of a refused email", name)
    names.clear()


def _handle(
    raw: bytes, recipients: list[str] | None, sender: str | None, trace: _Trace
) -> InboundResult:
    stored: list[str] = []
    try:
        received = _receive(raw, recipients, sender, trace)
        with transaction.atomic():
            result = _process(received, trace, stored)
            # In the same transaction: a concurrent delivery of the same message fails here
            # (unique constraint) and its comment or post disappears with the rollback.
            _record(trace, result)
    except _Stop as stop:
        _remove_files(stored)
        result = stop.result
        _record(trace, result)
    except IntegrityError:
        _remove_files(stored)
        if not _already_done(trace):
            raise
        result = _duplicate()
        _record(trace, result)
    except BaseException:
        _remove_files(stored)
        raise
    _log(trace, result)
    return result


# The sender's address is in the headers, at the start of the message.
_HEAD_BYTES = 64 * 1024


def _sender_language(raw: bytes, envelope_sender: str | None) -> str:
    """A bounce speaks the sender's language: their account's, else the organisation's
    (LANGUAGE_CODE, French by default): an unknown sender is most likely a colleague writing
    from another address."""
    try:
        head = BytesParser(policy=policy.default).parsebytes(raw[:_HEAD_BYTES], headersonly=True)
        address = _from_address(head, envelope_sender)
    except Exception:  # noqa: BLE001 - a header that cannot be read: the default language
        address = ""
    if address:
        found = list(
            User.objects.filter(email__iexact=address).values_list("language", flat=True)[:2]
        )
        if len(found) == 1 and found[0] in dict(settings.LANGUAGES):
            return found[0]
    return settings.LANGUAGE_CODE


def handle_inbound(
    raw: bytes, *, recipients: list[str] | None = None, sender: str | None = None
) -> InboundResult:
    """Processes one received email for one recipient.

    `recipients` and `sender` are the SMTP envelope when known (the LMTP server calls this once
    per recipient); otherwise the headers say (Delivered-To, X-Original-To, To, Cc; From). The
    first address in RUCHER_MAIL_DOMAIN among the recipients is the one served. Never raises.
    """
    trace = _Trace()
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            language = _sender_language(raw, sender)
            translation.activate(language)
            return _handle(raw, recipients, sender, trace)
        except (OperationalError, InterfaceError, OSError) as exc:
            # The database or the file storage is unavailable: the MTA keeps the message.
            logger.warning("inbound email deferred: %s", type(exc).__name__)
            return InboundResult(
                outcome=DEFERRED,
                reason="temporary",
                message=_("Temporary failure: please try again later."),
            )
        except Exception:
            logger.exception("inbound email could not be processed")
            result = InboundResult(
                outcome=InboundOutcome.BOUNCED,
                reason="error",
                message=_(
                    "Your message could not be processed: nothing was published. Publish it on "
                    "the web instead."
                ),
            )
            try:
                _record(trace, result)
            except Exception:  # noqa: BLE001 - the bounce matters more than its log row
                logger.warning("could not log a failed inbound email")
            _log(trace, result)
            return result
