"""The metadata fields as data: their Phụ lục VI names, and the values a person may give them.

`sohoa edit ID --set field=value` takes text from a clerk; before it reaches
the index it must be a value the field can hold: an ISO date that exists, a
number of digits, a notation of letters and digits joined by `-`, a type and
an authority prefix of Nghị định 30/2020. A field may be named by our key or
by its Phụ lục VI name (`IssuedDate`, `SignerInfo/Position`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sohoa.errors import ExitCode, SohoaError
from sohoa.metadata.grammar import AUTHORITY_PREFIXES, CONG_VAN, TYPE_NAMES
from sohoa.metadata.text import fold
from sohoa.models import METADATA_FIELDS, PHU_LUC_VI_NAMES
from sohoa.vntime import VIETNAM

_NUMBER = re.compile(r"^\d{1,6}$")
_NOTATION = re.compile(r"^(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9]*)*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
#: The earliest date an administrative document of the Republic can carry.
EARLIEST = date(1945, 9, 2)


class EditError(SohoaError):
    """A correction that cannot be applied: unknown field, invalid value."""

    exit_code = ExitCode.BAD_INPUT


#: Fields compared without case (issue 4: organ names and positions are
#: printed in capitals, typed by clerks in either case).
CASELESS_FIELDS = frozenset({"organ_name", "parent_organ", "signer_position"})


def comparison_key(field: str, value: Any) -> Any:
    """The value as two readings of a field are compared: NFC, single spaces,
    dates in ISO, case folded for organ names and positions."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return tuple(comparison_key(field, v) for v in value)
    if isinstance(value, date):
        value = value.isoformat()
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    return text.casefold() if field in CASELESS_FIELDS else text


def field_name(name: str) -> str:
    """Our key for `name`, which may be given as our key or as its Phụ lục VI name."""
    key = name.strip()
    if key in METADATA_FIELDS:
        return key
    by_official = {v.lower(): k for k, v in PHU_LUC_VI_NAMES.items()}
    found = by_official.get(key.lower()) or by_official.get(f"signerinfo/{key.lower()}")
    if found:
        return found
    known = ", ".join(METADATA_FIELDS)
    raise EditError(f"unknown field {name!r}", hint=f"one of: {known}")


def parse_assignment(text: str) -> tuple[str, Any]:
    """`field=value` → (our key, validated value). An empty value clears the field."""
    if "=" not in text:
        raise EditError(f"{text!r} is not field=value", hint="e.g. --set issued_date=2021-05-31")
    name, _, raw = text.partition("=")
    key = field_name(name)
    return key, validate(key, raw)


def validate(key: str, raw: str) -> Any:
    """The JSON value of `key` for the text a person typed; raises EditError when invalid."""
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    if text == "" or text.lower() == "null":
        return None
    if key == "issued_date":
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise EditError(
                f"issued_date {raw!r} is not a date", hint="write it as YYYY-MM-DD, e.g. 2021-05-31"
            ) from None
        if not EARLIEST <= value <= datetime.now(VIETNAM).date():
            raise EditError(f"issued_date {text} is not between {EARLIEST} and today")
        return value.isoformat()
    if key == "code_number":
        if not _NUMBER.match(text) or int(text) == 0:
            raise EditError(f"code_number {raw!r} must be digits (Số: 151, 05)")
        return text
    if key == "code_notation":
        if not _NOTATION.match(text):
            raise EditError(
                f"code_notation {raw!r} is not a notation",
                hint="letters and digits joined by '-', e.g. QĐ-STC, BNV-VP, 2021/QĐ-UBND",
            )
        return text
    if key == "type_name":
        names = {fold(n): n for n in (*TYPE_NAMES, CONG_VAN)}
        if fold(text) not in names:
            raise EditError(f"type_name {raw!r} is not a type of Nghị định 30/2020")
        return names[fold(text)]
    if key == "signer_authority":
        wanted = text.upper().rstrip(".") + "."
        if wanted not in AUTHORITY_PREFIXES:
            raise EditError(
                f"signer_authority {raw!r} is not an authority prefix",
                hint="one of " + ", ".join(AUTHORITY_PREFIXES) + " (or empty: none)",
            )
        return wanted
    if key == "recipients":
        items = json.loads(text) if text.startswith("[") else text.split(";")
        cleaned = [" ".join(str(i).split()) for i in items if str(i).strip()]
        if not cleaned:
            return None
        return cleaned
    if key == "page_amount":
        if not text.isdigit() or int(text) < 1:
            raise EditError(f"page_amount {raw!r} must be a positive whole number")
        return int(text)
    if key == "language":
        if not _LANGUAGE.match(text):
            raise EditError(f"language {raw!r} is not a language code", hint="e.g. vi, en, fr")
        return text
    return text


def phu_luc_vi(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The fields under their Nghị định 30/2020 Phụ lục VI names (`SignerInfo/…` nested)."""
    out: dict[str, Any] = {}
    for key in METADATA_FIELDS:
        path = PHU_LUC_VI_NAMES[key].split("/")
        target = out
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = metadata.get(key)
    return out
