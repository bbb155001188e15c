"""Development email: one RFC 5322 `.eml` file per message in a folder (EMAIL_URL=file://…).

Unlike Django's file backend (one log file per connection, messages separated by dashes), each
file opens in a mail client as is, and a test or a developer finds one message per file.
"""

import os
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.mail import EmailMessage, InvalidMailer
from django.core.mail.backends.base import BaseEmailBackend


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, *, file_path: str | os.PathLike[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alias: str | None = kwargs.get("alias")
        if not file_path:
            raise InvalidMailer("OPTIONS must define 'file_path'.", alias=self.alias)
        self.file_path = Path(file_path).resolve()
        try:
            self.file_path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidMailer(
                f"Could not create 'file_path': {self.file_path} ({exc})", alias=self.alias
            ) from exc

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            target = self.file_path / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            partial = target.with_suffix(".tmp")
            # Written aside then renamed: a reader never sees half a message.
            partial.write_bytes(message.message().as_bytes())
            partial.replace(target)
            sent += 1
        return sent
