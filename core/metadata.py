"""The API's answer to OPTIONS.

A module of its own: DRF reads ``DEFAULT_METADATA_CLASS`` while ``rest_framework.views`` is
being imported, so this module may not import the views (``core.api`` does).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import clone_request


class Metadata(SimpleMetadata):
    """DRF's answer to OPTIONS, without its object check: DRF's asks the view's generic
    ``get_object()``, which views that find their object through a selector (and so have no
    queryset) cannot answer, and OPTIONS was a 500 there. The field list it shows is the
    same for every object, so the class-level permission check is enough."""

    def determine_actions(self, request, view):
        actions = {}
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
                serializer = view.get_serializer()
            except (exceptions.APIException, PermissionDenied, Http404):
                continue
            except AssertionError:
                # The view has no serializer_class (its body is read by hand): nothing to list.
                continue
            finally:
                view.request = request
            actions[method] = self.get_serializer_info(serializer)
        return actions
