"""The API's request parsers: DRF's JSON, form and multipart parsers, refusing with a 400 what
would otherwise fail deeper down as a 500.

- JSON nested deeper than ``MAX_JSON_DEPTH``: the standard library's decoder recurses once per
  level and raises RecursionError near a thousand (4 KB of ``[`` is enough), and no body of
  this API nests more than a few levels.
- A NUL character in any string, key, form value or file name: PostgreSQL cannot store it in
  a text column and raises DataError on the query (SQLite would store it silently).
"""

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32

NUL = "\x00"


def nul_refused() -> ParseError:
    # Django's own wording (forms and DRF's CharField say the same), already translated.
    return ParseError(_("Null characters are not allowed."))


def too_deep() -> ParseError:
    return ParseError(
        _("The JSON body is nested more than %(max)d levels deep.") % {"max": MAX_JSON_DEPTH}
    )


def check_json_value(data) -> None:
    """Refuse (ParseError) a parsed JSON value nested deeper than ``MAX_JSON_DEPTH`` or holding
    a NUL character in a string or key. Iterative, so a deep value cannot exhaust the stack."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if NUL in value:
                raise nul_refused()
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise too_deep()
        if isinstance(value, dict):
            for key, item in value.items():
                if NUL in key:
                    raise nul_refused()
                pending.append((item, depth + 1))
        else:
            pending.extend((item, depth + 1) for item in value)


def check_form_values(data, files=None) -> None:
    """Refuse (ParseError) a form whose field names, values or file names hold a NUL."""
    for key, values in data.lists():
        if NUL in key or any(isinstance(v, str) and NUL in v for v in values):
            raise nul_refused()
    for key, uploads in files.lists() if files is not None else ():
        names = [u.name or "" for u in uploads if isinstance(u, UploadedFile)]
        if NUL in key or any(NUL in name for name in names):
            raise nul_refused()


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise too_deep() from error
        check_json_value(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        check_form_values(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        check_form_values(result.data, result.files)
        return result
