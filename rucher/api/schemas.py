"""Building blocks shared by every API schema: strict input models, clean text, errors."""

from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Path, Schema
from pydantic import AfterValidator, ConfigDict, StrictStr
from pydantic_core import PydanticCustomError

from rucher.core.text import check_clean_text


def _reject_control_characters(value: str) -> str:
    try:
        return check_clean_text(value)
    except DjangoValidationError as exc:
        # A custom error type keeps pydantic from prefixing the message with "Value error, ".
        raise PydanticCustomError("control_characters", exc.messages[0]) from exc


# Text as sent by a client: a real JSON string (no silent coercion from numbers) without NUL or
# other control characters. Length limits go on the field: `Field(max_length=…)`.
CleanStr = Annotated[StrictStr, AfterValidator(_reject_control_characters)]


class InputSchema(Schema):
    """Base of every request body: unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class QuerySchema(Schema):
    """Base of query-string filters (values arrive as text, so types are coerced)."""


class ErrorOut(Schema):
    detail: str
    code: str
    fields: dict[str, list[str]] | None = None


# Database ids are signed 64-bit: anything larger must be a 422, not a database overflow.
MAX_ID = 2**63 - 1
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
# Checked before any query: PostgreSQL refuses NUL bytes outright.
UsernamePath = Annotated[CleanStr, Path(max_length=150)]

# The failures documented on every operation: `response={200: X, ERRORS: ErrorOut}`.
ERRORS = frozenset({400, 401, 403, 404, 409, 413, 422, 429})
