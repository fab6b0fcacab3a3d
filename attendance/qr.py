"""The projector's code and QR code: what a sign-in window shows at a given moment, and the QR
image of the sign-in URL (SVG for the screen, PNG for files), drawn with segno.

Everything here is computed from the window (its secret, rotation and times) and the clock,
so every web worker shows the same code for the same moment and nothing is kept per slot.
"""

import datetime
import io
from collections.abc import Callable

import segno

from attendance import codes
from attendance.models import SignInWindow
from attendance.selectors import window_is_open

# Medium error correction survives a projector's glare and a phone held at an angle.
QR_ERROR = "m"


def _qr(data: str) -> segno.QRCode:
    return segno.make(data, error=QR_ERROR, micro=False)


def qr_svg(data: str, *, border: int = 2) -> str:
    """A standalone SVG of the QR code of ``data``: no fixed size (it fills its box), dark
    modules on a white ground, so it scans on a dark page too."""
    out = io.BytesIO()
    _qr(data).save(
        out,
        kind="svg",
        scale=1,
        border=border,
        dark="#000",
        light="#fff",
        xmldecl=False,
        omitsize=True,
    )
    return out.getvalue().decode()


def qr_png(data: str, *, scale: int = 8, border: int = 4) -> bytes:
    """A PNG of the QR code of ``data``, for files (PDF sheets, downloads)."""
    out = io.BytesIO()
    _qr(data).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def projector_code(
    window: SignInWindow | None,
    *,
    now: datetime.datetime,
    sign_in_url: Callable[[str], str],
) -> dict:
    """What the projector shows at ``now``: the six-digit code, the absolute sign-in URL in
    the QR code (``sign_in_url(token)``) and its SVG, the seconds until the next code, and
    the window. Outside the window (or without one) the code, URL and QR are None: nothing
    valid is shown when it could not be used."""
    data: dict = {
        "code": None,
        "slot": None,
        "qr_url": None,
        "qr_svg": None,
        "expires_in": None,
        "rotation_seconds": None,
        "window": None,
    }
    if window is None:
        return data
    is_open = window_is_open(window, now)
    data["rotation_seconds"] = window.rotation_seconds
    data["window"] = {
        "opens_at": window.opens_at,
        "closes_at": window.closes_at,
        "open": is_open,
        "upcoming": now < window.opens_at,
    }
    if is_open:
        slot = codes.slot_at(window, now)
        url = sign_in_url(codes.qr_token(window, slot))
        data.update(
            code=codes.short_code(window, slot),
            slot=slot,
            qr_url=url,
            qr_svg=qr_svg(url),
            expires_in=round(codes.seconds_until_rotation(window, now), 3),
        )
    return data


def seconds_until_change(window: SignInWindow | None, *, now: datetime.datetime) -> float | None:
    """When what the projector shows changes by itself: the next code, the window opening
    or closing. None when nothing changes until the window is edited."""
    if window is None:
        return None
    if now < window.opens_at:
        return (window.opens_at - now).total_seconds()
    if now > window.closes_at:
        return None
    return min(
        codes.seconds_until_rotation(window, now),
        max((window.closes_at - now).total_seconds(), 0.0),
    )
