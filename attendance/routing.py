"""Websocket routes of the attendance pages: a session's live board and roll-call sheet, and
its projector (the board plus the rotating code)."""

from django.urls import re_path

from attendance.consumers import SessionBoardConsumer, SessionProjectorConsumer

websocket_urlpatterns: list = [
    re_path(
        r"^ws/attendance/sessions/(?P<session_id>\d+)/$",
        SessionBoardConsumer.as_asgi(),
    ),
    re_path(
        r"^ws/attendance/sessions/(?P<session_id>\d+)/projector/$",
        SessionProjectorConsumer.as_asgi(),
    ),
]
