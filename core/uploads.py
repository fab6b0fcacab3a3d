"""Checks on uploaded files shared by imports and materials."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def check_upload_size(upload, limit: int) -> None:
    """Refuse a file larger than ``limit`` bytes, and an empty one."""
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; at most %(limit)s is accepted.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")


# Refusing oversized uploads while they arrive ----------------------------------------------

REFUSED_UPLOADS_ATTRIBUTE = "refused_uploads"


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops storing an uploaded file as soon as it passes ``settings.MAX_UPLOAD_SIZE``.

    Registered first in ``FILE_UPLOAD_HANDLERS``, it sees every chunk before Django's memory
    and temporary-file handlers. A file announced as too large is skipped before its first
    byte is stored; otherwise the bytes are counted, and at the first chunk past the limit it is
    skipped (``SkipFile``): Django closes and deletes the partial temporary file and discards
    the rest of that file as it arrives, so at most the limit is ever written to disk. The
    other fields of the form are still read, so the page can answer with a message.

    The skipped file is then missing from ``request.FILES``; ``refused_upload_error`` tells
    the view that it was refused for its size rather than never sent.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.MAX_UPLOAD_SIZE
        self.received = 0
        self.announced_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = settings.MAX_UPLOAD_SIZE
        return None

    def new_file(self, field_name, file_name, content_type, content_length, *args, **kwargs):
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)
        self.received = 0
        # Refused at its first chunk, not here: skipping now would make Django close the
        # previous file of the same request instead of this one.
        self.announced_too_large = content_length is not None and content_length > self.limit

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.announced_too_large or self.received > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        if self.request is not None:
            refused = getattr(self.request, REFUSED_UPLOADS_ATTRIBUTE, None)
            if refused is None:
                refused = {}
                setattr(self.request, REFUSED_UPLOADS_ATTRIBUTE, refused)
            refused[self.field_name] = self.file_name
        raise SkipFile


def refused_upload_error(request, field_name: str) -> ValidationError | None:
    """The error to show when ``SizeLimitUploadHandler`` refused the file sent as
    ``field_name`` in this request, else None. Works with Django's and DRF's requests."""
    refused = getattr(request, REFUSED_UPLOADS_ATTRIBUTE, None) or {}
    if field_name not in refused:
        return None
    return ValidationError(
        _("The file %(name)s is larger than %(limit)s, the most accepted; it was not stored.")
        % {"name": refused[field_name], "limit": filesizeformat(settings.MAX_UPLOAD_SIZE)},
        code="too_large",
    )
