"""Reading what people export from other tools, safely and in constant memory: CSV files by
header name (UTF-8 or Windows-1252, comma or semicolon) and ZIP archives checked for `../`
paths and zip bombs before anything is read."""

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any, cast

from django.utils.translation import gettext as _

# A ZIP whose entries expand past this (or past 100 × their compressed size, for big entries)
# is refused before extraction: an export of a 10,000-person network is far smaller.
MAX_UNCOMPRESSED_BYTES = 20 * 1024**3
MAX_RATIO = 100
MAX_ENTRIES = 1_000_000
# Cells of exported bodies can be long; Python's csv default (128 KB) is kept well above ours.
csv.field_size_limit(10 * 1024 * 1024)


class ImportRejected(Exception):
    """The whole input is refused (unsafe archive, wrong format); `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Report:
    created: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    # A run with a million bad rows keeps the first ones and counts the rest.
    MAX_REJECTED = 1000

    def reject(self, *, file: str, row: int, reason: str) -> None:
        self.skipped["rejected"] += 1
        if len(self.rejected) < self.MAX_REJECTED:
            self.rejected.append({"file": file, "row": row, "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        skipped = {k: v for k, v in self.skipped.items() if k != "rejected"}
        return {
            "created": dict(self.created),
            "skipped": skipped,
            "rejected": self.rejected,
            "rejected_count": self.skipped["rejected"],
        }


def safe_zip(path_or_file: str | IO[bytes]) -> zipfile.ZipFile:
    """Opens a ZIP after checking every entry: no absolute or `..` path, no symlink, sizes and
    ratios below the bomb limits. Raises ImportRejected."""
    try:
        archive = zipfile.ZipFile(path_or_file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportRejected("not_a_zip", _("This file is not a ZIP archive.")) from exc
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ImportRejected("zip_bomb", _("This archive has too many files."))
    total = 0
    for info in infos:
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            raise ImportRejected(
                "unsafe_zip",
                _("This archive contains a path outside its folder (%(name)s): refused.")
                % {"name": name[:100]},
            )
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise ImportRejected("unsafe_zip", _("This archive contains links: refused."))
        total += info.file_size
        if total > MAX_UNCOMPRESSED_BYTES or (
            info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise ImportRejected(
                "zip_bomb", _("This archive expands to far more than its size: refused.")
            )
    return archive


def find_member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The entry called `name` (any case), at the root or in one top folder."""
    wanted = name.lower()
    best = None
    for info in archive.infolist():
        parts = info.filename.replace("\\", "/").lower().split("/")
        if parts[-1] == wanted and len(parts) <= 2 and (best is None or len(parts) == 1):
            best = info
    return best


def _sniff_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut multi-byte character at the end of the sample is still UTF-8.
        if exc.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def _sniff_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


@dataclass
class CsvRows:
    """Rows of a CSV as dicts keyed by lower-case header name, with their line numbers."""

    header: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    text: io.TextIOWrapper

    def release(self) -> None:
        """Lets go of the underlying file without closing it (the wrappers close it when
        garbage-collected otherwise)."""
        buffered = self.text.detach()
        cast(io.BufferedReader, buffered).detach()


def read_csv(raw: IO[bytes], *, required: tuple[str, ...], file_label: str) -> CsvRows:
    """Streams a CSV (UTF-8 or Windows-1252, comma or semicolon); unknown columns are ignored,
    missing required ones refuse the file. Broken quoting surfaces as a row error."""
    buffered = io.BufferedReader(cast(Any, raw), buffer_size=64 * 1024)
    head = buffered.peek(64 * 1024)[: 64 * 1024]
    encoding = _sniff_encoding(head)
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")
    first = head.decode(encoding, errors="replace").splitlines()[0] if head.strip() else ""
    reader = csv.reader(text, delimiter=_sniff_delimiter(first), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        header = []
    except csv.Error as exc:
        raise ImportRejected(
            "bad_csv", _("%(file)s: unreadable header.") % {"file": file_label}
        ) from exc
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportRejected(
            "missing_columns",
            _("%(file)s: missing columns: %(columns)s.")
            % {"file": file_label, "columns": ", ".join(missing)},
        )

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield line, {"__error__": str(exc)}
                return  # the parser cannot resynchronise after broken quoting
            if not any(v.strip() for v in values):
                continue
            yield (
                line,
                {name: (values[i] if i < len(values) else "") for i, name in enumerate(header)},
            )

    return CsvRows(header=header, rows=rows(), text=text)


def count_csv_rows(raw: IO[bytes]) -> int:
    """Rows of a CSV (for the progress total), counted by streaming it once."""
    try:
        parsed = read_csv(raw, required=(), file_label="")
    except ImportRejected:
        return 0
    count = sum(1 for _row in parsed.rows)
    parsed.release()
    return count
