"""Deals from a CRM's CSV export: Salesforce, HubSpot, Pipedrive or any file a mapping
describes. Pure: a file (read as a stream, `read_export`) or bytes (`parse_export`)
in, typed rows and per-line errors out; nothing is stored here.

Headers match ignoring case, spaces and punctuation ("Close Date" = "close_date").
The methodology's stages are passed in (the shipped defaults when not), so stage
text maps to a slug without this module knowing where the methodology comes from.
"""

from __future__ import annotations

import codecs
import csv
import io
import tomllib
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from itertools import chain
from typing import Any, BinaryIO, Literal, NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from coachcli.bulk import collector_paused
from coachcli.config import plain_reason
from coachcli.currencies import currency_code
from coachcli.dates import guess_day_first, parse_export_date, two_way_date
from coachcli.errors import Invalid
from coachcli.money import currency_in, decimal_mark, parse_csv_amount
from coachcli.services.fields import MAX_NAME_LENGTH, over_limit

SOURCES = ("salesforce", "hubspot", "pipedrive")
SOURCE_NAMES = {"salesforce": "Salesforce", "hubspot": "HubSpot", "pipedrive": "Pipedrive"}
CUSTOM = "custom"  # no built-in map: the mapping file's [columns] say it all

FIELDS = (
    "external_id",
    "name",
    "account",
    "owner",
    "stage",
    "amount",
    "currency",
    "close_date",
    "forecast_category",
    "created_date",
    "last_activity",
    "next_step",
    "probability",
    "status",
    "lost_reason",
    "won_date",
    "owner_id",
)
# Salesforce says won or lost with two flags; they become `status`.
FLAG_FIELDS = ("is_closed", "is_won")
REQUIRED = ("external_id", "name", "stage", "close_date", "owner")
_OWN_FIELDS = ("external_id", "name")  # no default: one value would fit one deal
_LABELS = {
    "external_id": "deal id",
    "close_date": "close date",
    "is_won": "won flag",
    "is_closed": "closed flag",
}

_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    # Preferred header first: when a file has both, the earlier candidate wins.
    "salesforce": {
        "external_id": ("Id", "Opportunity ID"),
        "name": ("Name", "Opportunity Name"),
        "account": ("Account Name", "Account.Name", "AccountId"),
        "owner": ("Opportunity Owner", "Owner.Name", "OwnerId"),
        # Beside an owner-name column; alone, OwnerId is the owner column itself.
        "owner_id": ("OwnerId", "Owner ID"),
        "stage": ("StageName", "Stage"),
        "amount": ("Amount",),
        "currency": ("CurrencyIsoCode", "Opportunity Currency", "Currency"),
        "close_date": ("CloseDate", "Close Date"),
        "forecast_category": ("ForecastCategoryName", "Forecast Category"),
        "created_date": ("CreatedDate", "Created Date"),
        "last_activity": ("LastActivityDate", "Last Activity"),
        "next_step": ("NextStep", "Next Step"),
        "probability": ("Probability", "Probability (%)"),
        "is_closed": ("IsClosed", "Closed"),
        "is_won": ("IsWon", "Won"),
    },
    "hubspot": {
        "external_id": ("Record ID", "hs_object_id"),
        "name": ("Deal Name", "dealname"),
        "account": ("Associated Company",),
        "owner": ("Deal owner", "hubspot_owner_id"),
        "owner_id": ("hubspot_owner_id",),
        "stage": ("Deal Stage", "dealstage"),
        "amount": ("Amount",),
        "currency": ("Currency", "deal_currency_code"),
        "close_date": ("Close Date", "closedate"),
        "forecast_category": ("Forecast category", "hs_forecast_category"),
        "created_date": ("Create Date", "createdate"),
        "last_activity": ("Last Activity Date", "notes_last_updated"),
        "next_step": ("Next step", "hs_next_step"),
        "probability": ("Deal probability", "hs_deal_stage_probability"),
        "lost_reason": ("Closed lost reason", "closed_lost_reason"),
    },
    "pipedrive": {
        "external_id": ("Deal - ID",),
        "name": ("Deal - Title",),
        "account": ("Deal - Organization",),
        "owner": ("Deal - Owner",),
        "stage": ("Deal - Stage",),
        "amount": ("Deal - Value",),
        "currency": ("Deal - Currency of Value", "Deal - Currency"),
        "close_date": ("Deal - Expected close date",),
        "created_date": ("Deal - Deal created",),
        "last_activity": ("Deal - Last activity date",),
        "probability": ("Deal - Probability",),
        "status": ("Deal - Status",),
        "lost_reason": ("Deal - Lost reason",),
        "won_date": ("Deal - Won time",),
    },
}
_REQUIRED_HEADERS = {
    "salesforce": "Id, Name, StageName, CloseDate, OwnerId, or in a report Opportunity ID, "
    "Opportunity Name, Stage, Close Date, Opportunity Owner",
    "hubspot": "Record ID, Deal Name, Deal Stage, Close Date, Deal owner",
    "pipedrive": "Deal - ID, Deal - Title, Deal - Stage, Deal - Expected close date, Deal - Owner",
}
# Salesforce and Pipedrive write probability as a percent (10 = 10 %); HubSpot as 0-1.
_PERCENT_SOURCES = {"salesforce", "pipedrive"}

# CRM default stage names → methodology slugs; keys compare like headers do. Each
# CRM's default pipeline maps in order, so a deal moving along it never moves back.
_STAGE_SYNONYMS = {
    # HubSpot's default deal stages: labels and internal names compare alike.
    "appointmentscheduled": "qualification",
    "qualifiedtobuy": "qualification",
    "presentationscheduled": "discovery",
    "decisionmakerboughtin": "proposal",
    "contractsent": "negotiation",
    "closedwon": "closed_won",
    "closedlost": "closed_lost",
    # Salesforce's standard stage picklist.
    "prospecting": "prospecting",
    "qualification": "qualification",
    "needsanalysis": "discovery",
    "valueproposition": "discovery",
    "iddecisionmakers": "discovery",
    "perceptionanalysis": "proposal",
    "proposalpricequote": "proposal",
    "negotiationreview": "negotiation",
    # Pipedrive's default pipeline; there `Deal - Status` says won or lost.
    "qualified": "qualification",
    "contactmade": "qualification",
    "demoscheduled": "discovery",
    "proposalmade": "proposal",
    "negotiationsstarted": "negotiation",
}
_OUTCOME_SLUGS = {"closed_won": "won", "closed_lost": "lost"}
_CATEGORY_SYNONYMS = {
    "pipeline": "pipeline",
    "bestcase": "best_case",
    "commit": "commit",
    "closed": "closed",
    "omitted": "omitted",
    "omit": "omitted",
}
_TRUE = {"true", "1", "yes", "y", "t", "x"}
_FALSE = {"false", "0", "no", "n", "f", ""}
_DATE_FIELDS = ("close_date", "created_date", "last_activity", "won_date")


class StageLike(Protocol):
    """What the parser needs of a methodology stage (methodology_schema.Stage fits)."""

    @property
    def name(self) -> str: ...

    @property
    def outcome(self) -> str: ...


class StageInfo(NamedTuple):
    name: str
    outcome: str = "open"


class DealRow(BaseModel):
    """One deal as the file gives it, typed; `line` is where its record starts."""

    line: int
    external_id: str
    name: str
    account: str | None = None
    owner: str
    stage: str  # methodology slug
    stage_text: str  # the stage as the CRM wrote it
    amount: float | None = None
    currency: str | None = None
    # None: an open deal the CRM has no close date for (it is flagged, not refused).
    close_date: date | None = None
    forecast_category: str | None = None
    created_date: date | None = None
    last_activity: date | None = None
    next_step: str | None = None
    probability: float | None = Field(default=None, ge=0, le=1)
    status: Literal["open", "won", "lost"] = "open"
    lost_reason: str | None = None
    won_date: date | None = None
    # The CRM's id of the owner, when the file has it beside the owner's name.
    owner_id: str | None = None


class RowError(BaseModel):
    line: int
    reason: str
    # The deal's CRM id when the row has one: a skipped row's deal is still in the
    # export, so it is not "missing" from it.
    external_id: str | None = None


class ParsedExport(BaseModel):
    source: str
    day_first: bool
    decimal_comma: bool | None  # None: no amount in the file reads two ways
    rows: list[DealRow]
    errors: list[RowError]
    columns: dict[str, str]  # canonical field → header as written in the file
    unmapped: list[str]
    left_out: list[RowError] = []  # rows read but not deals to import (deleted in the CRM)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)  # TOML has types


class MappingOptions(_Strict):
    day_first: bool | None = None
    decimal_comma: bool | None = None
    currency: str | None = None

    @field_validator("currency")
    @classmethod
    def _iso_code(cls, value: str | None) -> str | None:
        """Only a code `coach config fx` takes: a deal in any other could never count."""
        if value is None:
            return None
        try:
            return currency_code(value)
        except Invalid as error:
            raise ValueError(error.message) from None


class ImportMapping(_Strict):
    """A --mapping file: where each field is, and what the CRM's words mean here."""

    # A list names fallback columns: each row takes the first that is not empty.
    columns: dict[str, str | list[str]] = {}
    # Text for a field whose column is empty in a row, or missing from the file.
    defaults: dict[str, str] = {}
    stages: dict[str, str] = {}
    owners: dict[str, str] = {}
    forecast_categories: dict[str, str] = {}
    options: MappingOptions = MappingOptions()

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, columns: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        for key, headers in columns.items():
            if key not in FIELDS and key not in FLAG_FIELDS:
                raise ValueError(f"unknown field {key!r}; use one of {', '.join(FIELDS)}")
            if not headers or (isinstance(headers, list) and not all(headers)):
                raise ValueError(f"{key} names no header")
        return columns

    @field_validator("defaults")
    @classmethod
    def _defaults_for_shared_fields(cls, defaults: dict[str, str]) -> dict[str, str]:
        for key, text in defaults.items():
            if key in _OWN_FIELDS:
                raise ValueError(f"{key} cannot have a default: every deal has its own")
            if key not in FIELDS:
                raise ValueError(f"unknown field {key!r}; use one of {', '.join(FIELDS)}")
            if not text.strip():
                raise ValueError(f"the default for {key} is empty")
        return defaults


def parse_mapping(text: str, origin: str = "the mapping file") -> ImportMapping:
    """Read a mapping file's TOML, or raise Invalid naming the key that is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise Invalid(f"{origin} is not valid TOML: {error}.") from None
    try:
        return ImportMapping.model_validate(data)
    except ValidationError as error:
        problems = [
            f"  {'.'.join(str(part) for part in item['loc'])}: {plain_reason(item)}"
            for item in error.errors()[:5]
        ]
        raise Invalid(f"{origin} is invalid:\n" + "\n".join(problems)) from None


@lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    """How headers and CRM words compare: case, spaces and punctuation ignored."""
    return "".join(char for char in text.casefold() if char.isalnum())


_SOURCE_KEYS = {
    source: frozenset(header_key(name) for names in table.values() for name in names)
    for source, table in _COLUMNS.items()
}


# Rows are read and typed this many at a time: a batch is what an import holds in
# memory, compares and writes at once.
BATCH_ROWS = 5_000


class IdRegister(Protocol):
    """Where the deal ids of one file are kept while it is read, to find duplicates."""

    def first_lines(self, ids: list[tuple[str, int]]) -> dict[str, int]:
        """Record each (deal id, line) not seen before; the first line of each id."""
        ...


class _IdsInMemory:
    def __init__(self) -> None:
        self.lines: dict[str, int] = {}

    def first_lines(self, ids: list[tuple[str, int]]) -> dict[str, int]:
        lines = self.lines
        return {external_id: lines.setdefault(external_id, line) for external_id, line in ids}


class ExportBatch(NamedTuple):
    """Rows read together: the deals, the bad rows, the rows that are not deals."""

    rows: list[DealRow]
    errors: list[RowError]
    left_out: list[RowError]


class Export:
    """A CRM export open for reading: what its header and a first reading of the whole
    file settled (format, columns, date order, decimal mark), and its rows, typed batch
    by batch as they are read (`batches`), so that no more than a batch is held."""

    def __init__(self, handle: BinaryIO, head: _Head, parser: Callable[[], _RowParser]):
        self._handle, self._head, self._parser = handle, head, parser
        self.source, self.day_first = head.source, head.day_first
        self.decimal_comma = head.decimal_comma
        headers, layout = head.headers, head.layout
        self.columns = {
            name: headers[index] for name, index in layout.columns.items() if index < len(headers)
        }
        used = layout.used()
        self.unmapped = [h for i, h in enumerate(headers) if i not in used and h.strip()]

    def batches(
        self, ids: IdRegister | None = None, size: int | None = None
    ) -> Iterator[ExportBatch]:
        """The rows in batches of `size` records (default BATCH_ROWS). `ids` keeps the
        deal ids seen, to tell a duplicate by the line where its id was first seen
        (default: in memory)."""
        ids = ids if ids is not None else _IdsInMemory()
        size = size or BATCH_ROWS
        parser = self._parser()
        records = _records(self._handle, self._head.text, self._head.source)
        next(records)  # the header
        for line, fields in records:
            parser.add(line, fields)
            if parser.pending >= size:
                yield parser.batch(ids)
        yield parser.batch(ids)


def read_export(
    handle: BinaryIO,
    source: str = "auto",
    mapping: ImportMapping | None = None,
    stages: Mapping[str, StageLike] | None = None,
    day_first: bool | None = None,
    *,
    encoding: str | None = None,
    decimal_comma: bool | None = None,
) -> Export:
    """Open a CRM export (a binary file that can be read again from its start) for
    reading. The whole file is read once here, in a stream, to settle what needs all
    of it (its encoding, its date order and decimal mark, and that it is CSV with at
    least one row); the rows are typed as `Export.batches` reads them again.

    `source` is salesforce, hubspot, pipedrive or auto (the map matching most headers).
    `stages` maps methodology slugs to stages (default: the shipped methodology).
    `day_first` None means the mapping's option, else a guess from the file's dates.
    `encoding` None means UTF-8 or UTF-16 (by their marks), else Windows-1252.
    `decimal_comma` None means the mapping's option, else what the amounts show.
    Raises Invalid when the file as a whole cannot be read as a deal export.
    """
    if source != "auto" and source not in SOURCES:
        raise Invalid(f"Unknown source {source!r}; use auto, {', '.join(SOURCES)}.")
    mapping = mapping or ImportMapping()
    codec = _settle_codec(handle, source, encoding)
    text = _TextForm(codec, _delimiter(handle, codec))
    reading = _Reading(day_first, encoding, decimal_comma)
    head = _first_reading(handle, text, source, mapping, reading)
    table = _stage_table(stages)

    def parser() -> _RowParser:
        return _RowParser(
            head.source, head.layout, mapping, table, head.day_first, head.decimal_comma
        )

    parser()  # the mapping's stages are checked before any row is read
    return Export(handle, head, parser)


def parse_export(
    data: bytes,
    source: str = "auto",
    mapping: ImportMapping | None = None,
    stages: Mapping[str, StageLike] | None = None,
    day_first: bool | None = None,
    *,
    encoding: str | None = None,
    decimal_comma: bool | None = None,
) -> ParsedExport:
    """Parse a CRM export held in memory into deal rows and per-line errors (see
    read_export for the arguments); a large file is better read with read_export."""
    with collector_paused():
        export = read_export(
            io.BytesIO(data),
            source,
            mapping,
            stages,
            day_first,
            encoding=encoding,
            decimal_comma=decimal_comma,
        )
        rows, errors, left_out = [], [], []
        for batch in export.batches():
            rows += batch.rows
            errors += batch.errors
            left_out += batch.left_out
        return ParsedExport(
            source=export.source,
            day_first=export.day_first,
            decimal_comma=export.decimal_comma,
            rows=rows,
            errors=errors,
            left_out=left_out,
            columns=export.columns,
            unmapped=export.unmapped,
        )


class _Reading(NamedTuple):
    """How to read the file where the caller knows better than a guess (None: guess)."""

    day_first: bool | None
    encoding: str | None
    decimal_comma: bool | None


class _TextForm(NamedTuple):
    codec: str
    delimiter: str


class _Head(NamedTuple):
    """What the first reading settled."""

    text: _TextForm
    headers: list[str]
    source: str
    layout: _Layout
    day_first: bool
    decimal_comma: bool | None


def _first_given(*choices: bool | None) -> bool | None:
    return next((choice for choice in choices if choice is not None), None)


def _first_reading(
    handle: BinaryIO, text: _TextForm, source: str, mapping: ImportMapping, reading: _Reading
) -> _Head:
    """Read every record once: the header, that there are rows, and what the dates
    and amounts say. A file that is not valid CSV is refused before its header is
    judged, as when the file was read whole."""
    records = _records(handle, text, source)
    first = next(records, None)
    if first is None:
        raise Invalid(f"The file is empty. {_expected(source)}")
    headers = first[1]
    problem, layout = None, None
    try:
        chosen = _detect(headers, source, mapping)
        layout = _match_columns(headers, chosen, mapping)
    except Invalid as error:
        problem = error
    day_first = _first_given(reading.day_first, mapping.options.day_first)
    decimal_comma = _first_given(reading.decimal_comma, mapping.options.decimal_comma)
    dates = _DateOrder(layout) if layout and day_first is None else None
    amounts = _DecimalMarks(layout) if layout and decimal_comma is None else None
    rows = 0
    for line, fields in records:
        rows += 1
        if dates:
            dates.add(fields)
        if amounts:
            amounts.add(line, fields)
    if problem is not None:
        raise problem
    assert layout is not None
    if not rows:
        # Importing it would report every deal as missing from the CRM.
        raise Invalid(
            "The file has a header line but no rows, so there are no deals to import; "
            "nothing was saved. Export again with the deals included (check the export's "
            "filters)."
        )
    if dates:
        day_first = dates.settle()
    if amounts:
        decimal_comma = amounts.settle()
    return _Head(text, headers, chosen, layout, bool(day_first), decimal_comma)


# The file is read this much at a time; a physical line longer than _LONGEST_LINE
# characters is no CSV export (and would otherwise be held whole).
_CHUNK = 1 << 20
_LONGEST_LINE = 1 << 24


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    handle.seek(0)
    while chunk := handle.read(_CHUNK):
        yield chunk


def _settle_codec(handle: BinaryIO, source: str, encoding: str | None) -> str:
    """The codec of the file, read through once: `encoding` when given; else a
    byte-order mark, UTF-16 without one, UTF-8, and last Windows-1252 (what Excel on
    Windows saves as "CSV"). A file that none of them reads whole is refused."""
    if encoding:
        return _check_codec(handle, _codec_named(encoding), encoding)
    handle.seek(0)
    start = handle.read(4096)
    for mark, codec in _BOMS:
        if start.startswith(mark):
            return _check_codec(handle, codec, codec)
    bare = _bare_utf16(start, handle.seek(0, io.SEEK_END))
    if bare:
        return _check_codec(handle, bare, bare)
    scan = _Utf8Scan()
    for chunk in _chunks(handle):
        if b"\x00" in chunk:
            raise Invalid(f"The file is not a CSV file (it holds binary data). {_expected(source)}")
        scan.add(chunk)
    scan.add(b"", final=True)
    if scan.failed_at is None:
        return "utf-8"
    if scan.mixed:
        raise Invalid(
            f"The file mixes UTF-8 with another encoding ({_where(handle, scan.failed_at)} "
            f"is not UTF-8, while other characters are). {_ENCODING_HINT}"
        )
    if scan.windows_failed_at is not None:
        raise Invalid(
            f"The file is neither UTF-8 nor Windows-1252 text: "
            f"{_where(handle, scan.windows_failed_at)} is not a character in either. "
            f"{_ENCODING_HINT}"
        )
    return "cp1252"


class _Utf8Scan:
    """Whether a file read in chunks is UTF-8; if not, where it first is not, whether it
    holds UTF-8 characters all the same (it mixes encodings), and where after that
    point it is not Windows-1252 either. Before the first byte that is not UTF-8, a
    file that mixes nothing is ASCII, which Windows-1252 reads alike."""

    def __init__(self) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.lenient = codecs.getincrementaldecoder("utf-8")("ignore")
        self.read = 0  # bytes given so far
        self.failed_at: int | None = None
        self.windows_failed_at: int | None = None
        self.mixed = False

    def add(self, chunk: bytes, final: bool = False) -> None:
        """The next chunk; `final` (with an empty chunk) after the last."""
        start, self.read = self.read, self.read + len(chunk)
        if self.failed_at is None:
            held = len(self.decoder.getstate()[0])  # bytes of a character begun before
            try:
                self.mixed = self.mixed or not self.decoder.decode(chunk, final).isascii()
                return
            except UnicodeDecodeError as error:
                # The error's text is the held bytes and the chunk.
                before = error.object[: error.start].decode("utf-8")
                self.mixed = self.mixed or not before.isascii()
                start = start - held + error.start
                chunk, self.failed_at = error.object[error.start :], start
        self.mixed = self.mixed or not self.lenient.decode(chunk, final).isascii()
        if self.windows_failed_at is None:
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError as error:
                self.windows_failed_at = start + error.start


def _codec_named(encoding: str) -> str:
    try:
        codec = codecs.lookup(encoding).name
        "".encode(codec)  # rot13 and base64 are codecs, but not text encodings
    except LookupError:
        raise Invalid(
            f"Unknown encoding {encoding!r}; use a name such as utf-8, utf-16, cp1252, "
            "latin-1 or cp850."
        ) from None
    return "utf-8-sig" if codec == "utf-8" else codec  # a mark is not part of a header


def _check_codec(handle: BinaryIO, codec: str, encoding: str) -> str:
    """`codec` when the whole file reads with it."""
    decoder = codecs.getincrementaldecoder(codec)()
    read = 0
    for chunk in chain(_chunks(handle), [b""]):  # an empty last chunk ends the decoding
        held = len(decoder.getstate()[0])  # bytes of a character the last chunk began
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            raise Invalid(
                f"The file is not {encoding} text: {_where(handle, read - held + error.start)} "
                f"cannot be read that way. {_ENCODING_HINT}"
            ) from None
        read += len(chunk)
    return codec


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ENCODING_HINT = (
    'Save it from the spreadsheet as "CSV UTF-8", or name the encoding it was saved in '
    "with --encoding (for example --encoding cp850)."
)


def _bare_utf16(sample: bytes, size: int) -> str | None:
    """UTF-16 without a byte-order mark: in CSV text most characters are ASCII, so every
    other byte is zero."""
    sample = sample[:4096]
    if len(sample) < 4 or size % 2:
        return None
    high, low = sample[0::2], sample[1::2]
    if low.count(0) > 0.9 * len(low) and not high.count(0):
        return "utf-16-le"
    if high.count(0) > 0.9 * len(high) and not low.count(0):
        return "utf-16-be"
    return None


def _where(handle: BinaryIO, offset: int) -> str:
    """The byte at `offset` and its line (the file is read again up to there)."""
    lines, read = 0, 0
    for chunk in _chunks(handle):
        if read + len(chunk) > offset:
            lines += chunk.count(b"\n", 0, offset - read)
            return f"byte 0x{chunk[offset - read]:02X} on line {lines + 1}"
        lines, read = lines + chunk.count(b"\n"), read + len(chunk)
    raise AssertionError("the offset is past the end of the file")


def _records(handle: BinaryIO, text: _TextForm, source: str) -> Iterator[tuple[int, list[str]]]:
    """Non-empty records with the physical line each starts on (quoted newlines count),
    read from the start of the file as they are needed."""
    handle.seek(0)
    stream = io.TextIOWrapper(handle, encoding=text.codec, newline="")  # type: ignore[arg-type]
    reader = csv.reader(_lines(stream, source), delimiter=text.delimiter, strict=True)
    last = 0
    try:
        for fields in reader:
            start, last = last + 1, reader.line_num
            if fields and (fields[0].strip() or any(value.strip() for value in fields)):
                yield start, fields
    except csv.Error as error:
        raise Invalid(
            f"Line {last + 1} is not valid CSV ({error}); check its quotes. {_expected(source)}"
        ) from None
    finally:
        stream.detach()  # the handle stays open for the next reading


def _lines(stream: io.TextIOWrapper, source: str) -> Iterator[str]:
    number = 0
    while line := stream.readline(_LONGEST_LINE):
        number += 1
        if len(line) == _LONGEST_LINE and line[-1] not in "\r\n":
            raise Invalid(
                f"Line {number} is longer than {_LONGEST_LINE // (1 << 20)} million "
                f"characters; this is no CSV export. {_expected(source)}"
            )
        yield line


def _delimiter(handle: BinaryIO, codec: str) -> str:
    """Comma, unless the header line clearly uses semicolons or tabs (European Excel):
    the marks are counted on the first line that is not empty, up to its newline."""
    counts = dict.fromkeys(",;\t", 0)
    handle.seek(0)
    stream = io.TextIOWrapper(handle, encoding=codec, newline="")  # type: ignore[arg-type]
    try:
        started = False
        while piece := stream.read(1 << 16):
            if not started:
                piece = piece.lstrip("\r\n")
                started = bool(piece)
            line, newline, _ = piece.partition("\n")
            for mark in counts:
                counts[mark] += line.count(mark)
            if newline:
                break
    finally:
        stream.detach()  # the handle stays open for the readings that follow
    return max(counts, key=lambda mark: (counts[mark], mark == ","))


def _detect(headers: list[str], source: str, mapping: ImportMapping) -> str:
    """The CRM whose export the headers are: the one whose required fields are all
    there (counting what the mapping supplies), else one that lacks at most two."""
    if source != "auto":
        return source
    positions = _positions(headers)
    found = {name: _fields_found(positions, name) for name in SOURCES}
    supplied = set(mapping.columns) | set(mapping.defaults)
    complete = [n for n in SOURCES if found[n] and set(REQUIRED) <= found[n] | supplied]
    if complete:
        best = max(len(found[name]) for name in complete)
        winners = [name for name in complete if len(found[name]) == best]
        if len(winners) == 1:
            return winners[0]
        if not mapping.columns:
            both = " and ".join(SOURCE_NAMES[name] for name in winners)
            raise Invalid(
                f"The columns fit a {both} export equally well; say which with "
                f"--from {' or --from '.join(winners)}."
            )
    if mapping.columns:
        return CUSTOM
    # Close to one format: reading it that way names exactly the columns it lacks.
    required = {name: len(found[name] & set(REQUIRED)) for name in SOURCES}
    best = max(required.values())
    winners = [name for name in SOURCES if required[name] == best]
    if best >= len(REQUIRED) - 2 and len(winners) == 1:
        return winners[0]
    raise Invalid(_no_format_fits(headers, found))


def _positions(headers: list[str]) -> dict[str, int]:
    """Header key → its first column."""
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        positions.setdefault(header_key(header), index)
    return positions


def _fields_found(positions: dict[str, int], source: str) -> set[str]:
    """The fields the headers give in `source`'s format; an owner id column is another
    reading of the owner, so it does not make one format fit better than another."""
    return {
        name
        for name, candidates in _COLUMNS[source].items()
        if name != "owner_id"
        and any(header_key(candidate) in positions for candidate in candidates)
    }


def _no_format_fits(headers: list[str], found: dict[str, set[str]]) -> str:
    """Which columns the file has, and what each format would need besides."""
    opening = "No CRM export format fits" if any(found.values()) else "No recognisable columns in"
    lines = [f"{opening} this file. Its columns: {_shorten(headers)}."]
    for source in SOURCES:
        has = [_label(name) for name in REQUIRED if name in found[source]]
        lacks = [
            f"{_label(name)} ({_either(_COLUMNS[source][name])})"
            for name in REQUIRED
            if name not in found[source]
        ]
        if has:
            lines.append(
                f"  {SOURCE_NAMES[source]} lacks {', '.join(lacks)}; it has {', '.join(has)}."
            )
        else:
            lines.append(f"  {SOURCE_NAMES[source]} needs {_REQUIRED_HEADERS[source]}.")
    lines.append(
        "Export again with those columns, or name this file's columns under [columns] in a "
        "--mapping file (see examples/crm-mapping.toml)."
    )
    return "\n".join(lines)


def _either(candidates: tuple[str, ...]) -> str:
    """Candidates as a person lists them: A or B; A, B or C."""
    return " or ".join(
        [", ".join(candidates[:-1]), candidates[-1]] if candidates[:-1] else candidates
    )


class _Layout:
    """Where each field is read: its column, further columns tried in order while it is
    empty, and a default when all are. A field with only a default gets a column of its
    own past the file's last."""

    def __init__(
        self,
        columns: dict[str, int],
        width: int,
        fallbacks: dict[str, tuple[int, ...]] | None = None,
        defaults: dict[str, str] | None = None,
    ):
        self.columns, self.width = columns, width
        self.fallbacks, self.defaults = fallbacks or {}, defaults or {}
        own = sorted((index, name) for name, index in columns.items() if index >= width)
        self.extra = [self.defaults[name] for _, name in own]
        self.rules = [
            (index, self.fallbacks.get(name, ()), self.defaults.get(name, ""))
            for name, index in columns.items()
            if index < width and (name in self.fallbacks or name in self.defaults)
        ]

    def fill(self, fields: list[str]) -> list[str]:
        """The record with every field in its own column (`fields` fits the header)."""
        fields = fields + self.extra
        for index, others, default in self.rules:
            if not fields[index].strip():
                fields[index] = next((fields[i] for i in others if fields[i].strip()), default)
        return fields

    def used(self) -> set[int]:
        return {*self.columns.values(), *(i for more in self.fallbacks.values() for i in more)}


def _match_columns(headers: list[str], source: str, mapping: ImportMapping) -> _Layout:
    """Where each field is: the mapping's own columns and defaults first, then the
    source's map."""
    positions = _positions(headers)
    columns: dict[str, int] = {}
    fallbacks: dict[str, tuple[int, ...]] = {}
    for name, wanted in mapping.columns.items():
        candidates = [wanted] if isinstance(wanted, str) else wanted
        found = [positions[header_key(c)] for c in candidates if header_key(c) in positions]
        if not found:
            listed = " or ".join(repr(c) for c in candidates)
            raise Invalid(
                f"The mapping puts {name} in column {listed}, but the file has no such column.",
                hint=f"Columns in the file: {_shorten(headers)}.",
            )
        found = list(dict.fromkeys(found))
        columns[name] = found[0]
        if len(found) > 1:
            fallbacks[name] = tuple(found[1:])
    _refuse_shared_columns(headers, columns, fallbacks)
    taken = {*columns.values(), *(i for more in fallbacks.values() for i in more)}
    for name, candidates in _COLUMNS.get(source, {}).items():
        if name in columns:
            continue
        for candidate in candidates:
            index = positions.get(header_key(candidate))
            if index is not None and index not in taken:
                columns[name] = index
                taken.add(index)
                break
    for name in mapping.defaults:
        if name not in columns:  # a column of its own, after the file's and the others'
            columns[name] = len(headers) + sum(index >= len(headers) for index in columns.values())
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise Invalid(
            f"The {SOURCE_NAMES.get(source, 'mapped')} export has no column for "
            + "; ".join(_wanted(source, name) for name in missing)
            + ". Add the column to the export, or name it under [columns] in a --mapping file.",
            hint=f"Columns in the file: {_shorten(headers)}.",
        )
    return _Layout(columns, len(headers), fallbacks, dict(mapping.defaults))


def _refuse_shared_columns(
    headers: list[str], columns: dict[str, int], fallbacks: dict[str, tuple[int, ...]]
) -> None:
    """One column, one field: a column read as two fields is a slip in the mapping."""
    owner: dict[int, str] = {}
    for name, first in columns.items():
        for index in (first, *fallbacks.get(name, ())):
            other = owner.setdefault(index, name)
            if other != name:
                raise Invalid(
                    f"The mapping reads column {headers[index]!r} as both {other} and {name}; "
                    "a column holds one field. Under [columns], name another column for one "
                    "of them."
                )


def _wanted(source: str, name: str) -> str:
    label = _LABELS.get(name, name)
    candidates = _COLUMNS.get(source, {}).get(name)
    if not candidates:
        return f'{label} ({name} = "Header" under [columns])'
    return f"{label} (expected {' or '.join(candidates)})"


def _expected(source: str) -> str:
    """The required columns of one source, or of each when the source is auto."""
    sources = SOURCES if source == "auto" else (source,)
    parts = "; ".join(f"{SOURCE_NAMES[name]}: {_REQUIRED_HEADERS[name]}" for name in sources)
    return (
        f"Expected a CRM export with columns for id, name, stage, close date and owner "
        f"({parts}), or a --mapping file whose [columns] name them."
    )


def _shorten(headers: list[str], limit: int = 12) -> str:
    shown = ", ".join(repr(h) for h in headers[:limit])
    return shown + (f" and {len(headers) - limit} more" if len(headers) > limit else "")


class _DateOrder:
    """Whether slashed dates are day first, as the file's dates say, read as they come
    (the dates a mapping's defaults give first). A file whose every slashed date reads
    two ways (only days up to the 12th) is refused: a guess would move deals by months."""

    def __init__(self, layout: _Layout):
        self.indexes = [
            index
            for name in _DATE_FIELDS
            if name in layout.columns
            for index in (layout.columns[name], *layout.fallbacks.get(name, ()))
        ]
        self.found: bool | None = None
        self.example: str | None = None  # the first two-way date in sorted order
        for name, text in layout.defaults.items():
            if name in _DATE_FIELDS:
                self._look(text)

    def add(self, fields: list[str]) -> None:
        if self.found is not None:
            return
        for index in self.indexes:
            # Only a slashed date can say, or read two ways.
            if index < len(fields) and "/" in fields[index]:
                self._look(fields[index])

    def _look(self, text: str) -> None:
        found = guess_day_first((text,))
        if found is not None:
            self.found = self.found if self.found is not None else found
        elif (self.example is None or text < self.example) and two_way_date((text,)):
            self.example = text

    def settle(self) -> bool:
        if self.found is not None:
            return self.found
        if self.example is not None:
            raise Invalid(
                f"Dates such as {self.example.strip()!r} read as two different days (day "
                "first or month first), and no date in the file says which. Pass "
                "--day-first if the file writes 31/12/2026, or --month-first for 12/31/2026."
            )
        return False


class _DecimalMarks:
    """Whether amounts that read both ways ("12.500") have a decimal comma, as the
    amounts that read only one way say; None when no amount reads both ways. A file
    that says nothing, or says both, is refused: a guess would be wrong by 1,000."""

    def __init__(self, layout: _Layout):
        columns = layout.columns
        self.indexes = (
            [columns["amount"], *layout.fallbacks.get("amount", ())] if "amount" in columns else []
        )
        self.seen: set[str] = set()  # one look per distinct amount, within a bound
        self.first: dict[str, tuple[int, str]] = {}  # mark → where first seen, the amount

    def add(self, line: int, fields: list[str]) -> None:
        for index in self.indexes:
            if index < len(fields):
                raw = fields[index].strip()
                if raw and raw not in self.seen:
                    if len(self.seen) >= _CACHE_LIMIT:
                        self.seen.clear()
                    self.seen.add(raw)
                    mark = decimal_mark(raw)
                    if mark:
                        self.first.setdefault(mark, (line, raw))

    def settle(self) -> bool | None:
        first = self.first
        if "either" not in first:
            return None
        if ("comma" in first) != ("point" in first):
            return "comma" in first
        raise Invalid(_undecided_amounts(first))


def _undecided_amounts(first: dict[str, tuple[int, str]]) -> str:
    line, value = first["either"]
    reasons = "nothing in the file says which"
    if "comma" in first and "point" in first:
        (comma_line, comma), (point_line, point) = first["comma"], first["point"]
        reasons = (
            f"the file writes amounts both ways ({comma!r} on line {comma_line}, "
            f"{point!r} on line {point_line})"
        )
    return (
        f"Amounts such as {value!r} (line {line}) read two ways, with a dot or comma for "
        f"thousands or for decimals, and {reasons}. Pass --decimal-comma if "
        "1.234,56 is how the file writes amounts, or --decimal-point for 1,234.56."
    )


@dataclass(frozen=True)
class _StageTable:
    """Stage words → slug, each slug's outcome, and the stage won or lost deals land on."""

    by_key: dict[str, str]
    outcome: dict[str, str]
    for_outcome: dict[str, str]


def _stage_table(stages: Mapping[str, StageLike] | None) -> _StageTable:
    stages = stages if stages is not None else _shipped_stages()
    outcome = {slug: stage.outcome for slug, stage in stages.items()}
    for_outcome: dict[str, str] = {}
    for slug, result in outcome.items():
        for_outcome.setdefault(result, slug)
    for slug in _OUTCOME_SLUGS:  # prefer the conventional slug when there are several
        if slug in outcome:
            for_outcome[outcome[slug]] = slug
    by_key: dict[str, str] = {}
    for key, target in _STAGE_SYNONYMS.items():
        if target in stages:
            by_key[key] = target
        elif _OUTCOME_SLUGS.get(target) in for_outcome:
            by_key[key] = for_outcome[_OUTCOME_SLUGS[target]]
    for slug, stage in stages.items():  # the methodology's own words beat CRM defaults
        by_key[header_key(stage.name)] = slug
        by_key[header_key(slug)] = slug
    return _StageTable(by_key, outcome, for_outcome)


@cache
def _shipped_stages() -> dict[str, StageInfo]:
    from coachcli.config import shipped_methodology_path

    table = tomllib.loads(shipped_methodology_path().read_text(encoding="utf-8"))["stages"]
    return {slug: StageInfo(s["name"], s.get("outcome", "open")) for slug, s in table.items()}


_UNSEEN = object()
_DEAL_ROWS = TypeAdapter(list[DealRow])  # one validation pass over a batch is fast
# Conversions remembered per field, and amounts looked at once: past this many, the
# memory starts again (a million distinct timestamps would otherwise all be kept).
_CACHE_LIMIT = 50_000
_TEXT_FIELDS = ("external_id", "name", "account", "next_step", "lost_reason", "stage", "owner_id")
_REQUIRED = frozenset(REQUIRED)


@dataclass
class _RowParser:
    """Turns records into row dicts or RowErrors. Every conversion is cached per field:
    exports repeat the same dates, stages and words thousands of times."""

    source: str
    layout: _Layout
    mapping: ImportMapping
    stages: _StageTable
    day_first: bool
    decimal_comma: bool | None = None
    # Records read since the last batch: each parsed row with its problems, and where
    # among them a duplicate id is told, which only the batch's look at the ids says.
    read: list[tuple[dict[str, Any], list[str], int]] = field(default_factory=list)
    left_out: list[RowError] = field(default_factory=list)

    def __post_init__(self) -> None:
        user_stages = {header_key(text): slug for text, slug in self.mapping.stages.items()}
        unknown = sorted({slug for slug in user_stages.values() if slug not in self.stages.outcome})
        if unknown:
            raise Invalid(
                f"The mapping's [stages] map to {'a stage' if len(unknown) == 1 else 'stages'} "
                f"the methodology does not have: {', '.join(unknown)}; "
                f"it has {', '.join(self.stages.outcome)}."
            )
        self.stage_by_key = {**self.stages.by_key, **user_stages}
        self.owners = {_loose(text): name.strip() for text, name in self.mapping.owners.items()}
        self.categories = {
            **_CATEGORY_SYNONYMS,
            **{header_key(text): slug for text, slug in self.mapping.forecast_categories.items()},
        }
        self.percent = self.source in _PERCENT_SOURCES
        currency = self.mapping.options.currency
        self.default_currency = currency.upper() if currency else None
        self.width = self.layout.width
        self.fills = bool(self.layout.rules or self.layout.extra)
        self.has_won_flag = "is_won" in self.layout.columns
        convert = {
            **dict.fromkeys(_DATE_FIELDS, self._date),
            "owner": self._owner,
            "stage": self._stage,
            "amount": self._amount,
            "currency": _currency,
            "probability": self._probability,
            "forecast_category": self._category,
            "status": _status,
            "is_won": _flag,
            "is_closed": _flag,
        }
        columns = self.layout.columns
        self.texts = [(name, columns[name]) for name in _TEXT_FIELDS if name in columns]
        # A missing stage is said once; a missing close date only matters for a closed
        # deal, which _finish can tell.
        self.required = _REQUIRED - set(_TEXT_FIELDS) - {"close_date"}
        self.converters = [
            (name, columns[name], function, {})
            for name, function in convert.items()
            if name in columns
        ]

    def add(self, line: int, fields: list[str]) -> None:
        problems: list[str] = []
        if len(fields) != self.width:
            fields = self._fit(fields, problems)
        if self.fills:
            fields = self.layout.fill(fields)
        parsed: dict[str, Any] = {"line": line}
        for name, index in self.texts:
            raw = fields[index].strip()
            if raw:
                parsed[name] = _text(raw)
                problem = over_limit(_label(name), raw)
                if problem:
                    problems.append(problem)
            elif name in _REQUIRED:
                problems.append(f"missing {_label(name)}")
        converted: dict[str, Any] = {}
        for name, index, convert, known in self.converters:
            raw = fields[index].strip()
            if not raw:
                if name in self.required:
                    problems.append(f"missing {_label(name)}")
                elif name == "close_date":
                    converted[name] = None
                continue
            value = known.get(raw, _UNSEEN)
            if value is _UNSEEN:
                if len(known) >= _CACHE_LIMIT:
                    known.clear()
                try:
                    value = known[raw] = convert(raw)
                except Invalid as error:
                    problems.append(f"{_label(name)}: {error.message}")
                    continue
            converted[name] = value
        if converted.get("status") == _DELETED:  # gone from the CRM, as if not exported
            self.left_out.append(RowError(line=line, reason="deleted in the CRM"))
            return
        self.read.append((parsed, problems, len(problems)))
        self._finish(parsed, converted, problems)

    @property
    def pending(self) -> int:
        return len(self.read) + len(self.left_out)

    def batch(self, ids: IdRegister) -> ExportBatch:
        """The records read since the last batch, typed, with each duplicate id told:
        `ids` gives the line where each id was first seen, in this batch or before."""
        read, left_out = self.read, self.left_out
        self.read, self.left_out = [], []
        given = [(parsed["external_id"], parsed["line"]) for parsed, _, _ in read
                 if "external_id" in parsed]  # fmt: skip
        first = ids.first_lines(given) if given else {}
        rows, errors = [], []
        for parsed, problems, at in read:
            external_id = parsed.get("external_id")
            if external_id is not None and first[external_id] != parsed["line"]:
                where = first[external_id]
                problems.insert(at, f"duplicate id {external_id!r} (first on line {where})")
            if problems:
                reason = "; ".join(problems)
                errors.append(RowError(line=parsed["line"], reason=reason, external_id=external_id))
            else:
                rows.append(parsed)
        return ExportBatch(_DEAL_ROWS.validate_python(rows), errors, left_out)

    def _fit(self, fields: list[str], problems: list[str]) -> list[str]:
        """Short records are padded (spreadsheets drop empty trailing cells)."""
        if len(fields) < self.width:
            return fields + [""] * (self.width - len(fields))
        if any(value.strip() for value in fields[self.width :]):
            problems.append(f"has {len(fields)} fields but the header has {self.width}")
        return fields[: self.width]

    def _finish(self, parsed: dict[str, Any], converted: dict[str, Any], problems: list[str]):
        amount, amount_currency = converted.pop("amount", (None, None))
        parsed["amount"] = amount
        parsed["currency"] = converted.pop("currency", amount_currency) or self.default_currency
        status = converted.pop("status", None)
        won, closed = converted.pop("is_won", False), converted.pop("is_closed", False)
        if status is None and (won or (closed and self.has_won_flag)):
            status = "won" if won else "lost"
        parsed["stage_text"] = parsed.pop("stage", None) or ""
        stage = converted.pop("stage", None)
        if status in ("won", "lost"):  # the CRM's own won/lost beats its stage text
            stage = self.stages.for_outcome.get(status)
            if stage is None:
                problems.append(f"the methodology has no stage for {status} deals")
        elif stage is None:
            if parsed["stage_text"]:
                problems.append(
                    f"unknown stage {parsed['stage_text']!r}; "
                    "add it under [stages] in a --mapping file"
                )
            return
        else:
            outcome = self.stages.outcome[stage]
            if status == "open" and outcome != "open":
                problems.append(
                    f"the CRM says the deal is open, but its stage {parsed['stage_text']!r} "
                    f"is a {outcome} stage; map it to an open stage under [stages] in a "
                    "--mapping file"
                )
            status = outcome if outcome in ("won", "lost") else "open"
        if "close_date" in converted and converted["close_date"] is None and status != "open":
            # A closed deal counts in the period it closed in, so it needs a day.
            converted["close_date"] = converted.get("won_date")
            if converted["close_date"] is None:
                problems.append(f"missing close date (the deal is {status})")
        parsed.update(converted, stage=stage, status=status)

    def _date(self, raw: str) -> date:
        try:
            return parse_export_date(raw, self.day_first)
        except Invalid as error:
            if "/" in raw and not self.day_first:
                error.message += " If the file writes the day first, use --day-first."
            raise

    def _amount(self, raw: str) -> tuple[float | None, str | None]:
        return parse_csv_amount(raw, decimal_comma=self.decimal_comma), currency_in(raw)

    def _owner(self, raw: str) -> str:
        text = _text(raw)
        if len(text) > MAX_NAME_LENGTH:
            raise Invalid(f"{len(text)} characters; a person's name is at most {MAX_NAME_LENGTH}")
        return self.owners.get(_loose(text), text)

    def _stage(self, raw: str) -> str | None:
        return self.stage_by_key.get(header_key(raw))

    def _probability(self, raw: str) -> float:
        try:
            value = float(raw.removesuffix("%").strip())
        except ValueError:
            raise Invalid(f"{raw!r} is not a number.") from None
        if raw.endswith("%") or self.percent or value > 1:
            value /= 100
        if not 0 <= value <= 1:
            raise Invalid(f"{raw!r} is not between 0 and 100 %.")
        return value

    def _category(self, raw: str) -> str:
        slug = self.categories.get(header_key(raw))
        if slug is None:
            raise Invalid(
                f"unknown forecast category {raw!r}; "
                "add it under [forecast_categories] in a --mapping file"
            )
        return slug


def _label(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " "))


def _text(raw: str) -> str:
    """User text is data: kept as written, in Unicode NFC (SPEC section 3); only
    Windows line ends (CRLF) become plain newlines."""
    if "\r\n" in raw:  # a line end written by Windows; a lone CR is kept as it is
        raw = raw.replace("\r\n", "\n")
    return raw if raw.isascii() else unicodedata.normalize("NFC", raw)


def _loose(text: str) -> str:
    return " ".join(text.casefold().split())


def _currency(raw: str) -> str:
    return currency_code(raw)


_DELETED = "deleted"


def _status(raw: str) -> str:
    word = raw.casefold()
    if word in ("open", "won", "lost", _DELETED):
        return word
    raise Invalid(f"unknown status {raw!r}; use open, won, lost or deleted")


def _flag(raw: str) -> bool:
    word = raw.casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise Invalid(f"{raw!r} is not true or false.")
