"""Response shapes the pages share: htmx partials and file downloads."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from core.excel import XLSX_CONTENT_TYPE
from core.http import attachment_response


def wants_partial(request) -> bool:
    """True for an htmx request that swaps part of the page. A history restore (the user
    went back and htmx's snapshot was gone) needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_page_or_partial(request, *, page: str, partial: str, context: dict) -> HttpResponse:
    """The whole page, or only ``partial`` for htmx. ``Vary: HX-Request`` keeps caches from
    handing a partial to a plain page load of the same URL."""
    template = partial if wants_partial(request) else page
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def xlsx_attachment(content: bytes, filename: str) -> HttpResponse:
    """A workbook sent as a download, never shown inline."""
    return attachment_response(content, filename=filename, content_type=XLSX_CONTENT_TYPE)
