"""Checks on uploaded files shared by imports and materials."""

from django.core.exceptions import ValidationError
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
