"""Websocket routes of every app with a live page, collected in one list."""

from attendance.routing import websocket_urlpatterns as attendance_routes
from exams.routing import websocket_urlpatterns as exam_routes

websocket_urlpatterns: list = [*attendance_routes, *exam_routes]
