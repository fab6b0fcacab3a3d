"""Rotating sign-in codes: a six-digit code to type and a QR token, both derived from the
window's secret, the session and the time slot with an HMAC, so any web worker computes the
same code and nothing is stored per slot. A code is bound to its session and slot; an old,
forged or other session's code does not verify."""

import base64
import datetime
import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum

from django.conf import settings

# How far back an expired code is still recognised as "expired" rather than "not valid".
RECOGNISED_SLOTS = 240


class CodeState(Enum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class CodeCheck:
    state: CodeState
    slot: int | None = None


def slot_at(window, moment: datetime.datetime) -> int:
    return int(moment.timestamp()) // window.rotation_seconds


def slot_start(window, slot: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(slot * window.rotation_seconds, tz=datetime.UTC)


def _digest(window, slot: int) -> bytes:
    key = f"{settings.SECRET_KEY}:{window.secret}".encode()
    return hmac.new(key, f"sign-in:{window.session_id}:{slot}".encode(), hashlib.sha256).digest()


def short_code(window, slot: int) -> str:
    """The six digits shown on the projector for ``slot``."""
    return f"{int.from_bytes(_digest(window, slot)[:8], 'big') % 1_000_000:06d}"


def qr_token(window, slot: int) -> str:
    """The token in the QR code's URL for ``slot``: the slot and 128 bits of signature."""
    signature = base64.urlsafe_b64encode(_digest(window, slot)[8:24]).rstrip(b"=").decode()
    return f"{slot}-{signature}"


def accepted_slots(window, moment: datetime.datetime) -> list[int]:
    """The current slot, and the previous one during the grace seconds after a rotation."""
    current = slot_at(window, moment)
    since_rotation = (moment - slot_start(window, current)).total_seconds()
    if since_rotation <= window.grace_seconds:
        return [current, current - 1]
    return [current]


def check_short_code(window, code: str, moment: datetime.datetime) -> CodeCheck:
    code = "".join(ch for ch in str(code) if ch.isdigit())
    if len(code) != 6:
        return CodeCheck(CodeState.INVALID)
    for slot in accepted_slots(window, moment):
        if hmac.compare_digest(short_code(window, slot), code):
            return CodeCheck(CodeState.VALID, slot)
    current = slot_at(window, moment)
    for slot in range(current - 1, current - RECOGNISED_SLOTS, -1):
        if short_code(window, slot) == code:
            return CodeCheck(CodeState.EXPIRED, slot)
    return CodeCheck(CodeState.INVALID)


def check_qr_token(window, token: str, moment: datetime.datetime) -> CodeCheck:
    slot_text, _sep, _signature = str(token).partition("-")
    if not slot_text.isdigit():
        return CodeCheck(CodeState.INVALID)
    slot = int(slot_text)
    if not hmac.compare_digest(qr_token(window, slot), str(token)):
        return CodeCheck(CodeState.INVALID)
    if slot in accepted_slots(window, moment):
        return CodeCheck(CodeState.VALID, slot)
    return CodeCheck(CodeState.EXPIRED, slot)


def seconds_until_rotation(window, moment: datetime.datetime) -> float:
    current = slot_at(window, moment)
    return (slot_start(window, current + 1) - moment).total_seconds()
