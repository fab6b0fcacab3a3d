"""What the bank and paper views share: who may call them, query strings, file answers."""

from rest_framework import serializers

from core.api import role_permission
from core.roles import Role
from core.uploads import refused_upload_error

# The whole bank and paper API shows the key (correct options, accepted answers,
# explanations): safety officers and admins only. Everyone else gets 403, anonymous 401.
BankManagers = role_permission(Role.SAFETY_OFFICER)


def query_data(request) -> dict:
    """The query string as a plain dict without empty values, so ``?category=`` means no
    category and a serializer's defaults apply (with a QueryDict DRF reads a missing boolean
    as false)."""
    return {key: value for key, value in request.query_params.items() if value != ""}


def check_refused_upload(request, field: str = "file") -> None:
    """A file dropped by the size-limit upload handler is a 400 on ``file`` saying so, not a
    "no file was submitted"."""
    request.data  # noqa: B018 (parsing the body is what runs the upload handlers)
    error = refused_upload_error(request, field)
    if error is not None:
        raise serializers.ValidationError({field: error.messages})


class FileAnswers:
    """Views whose answers (or whose actions named in ``file_actions``) are files ignore the
    Accept header and DRF's ``?format=`` override (the export's own ``format`` parameter
    would otherwise be taken for a renderer and answered with 404); their errors are still
    JSON."""

    file_actions: frozenset[str] | None = None  # None: every answer of the view is a file

    def perform_content_negotiation(self, request, force=False):
        files = self.file_actions is None or getattr(self, "action", None) in self.file_actions
        return super().perform_content_negotiation(request, force=force or files)
