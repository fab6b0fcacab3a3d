"""``GET /api/v1/ping/``: the smallest authenticated API call, ``{"ok": true}``.

Two uses: a liveness probe that goes through the whole stack a real call does (middleware,
DRF, the project's default authentication: a token costs one query, a session two) without
touching any table of the application; and the floor the autosave benchmark
(``bench/autosave.py``) measures an answer save against. It must stay that minimal: no query,
no serializer, no throttle of its own.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class PingView(APIView):
    """Answers ``{"ok": true}`` to any signed-in caller (token or session); anonymous
    callers get 401. Reads and writes nothing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer("Ping", fields={"ok": serializers.BooleanField()}),
    )
    def get(self, request):
        return Response({"ok": True})


# Included by config/urls.py at ``api/v1/ping/``.
urlpatterns = [path("", PingView.as_view(), name="api-ping")]
