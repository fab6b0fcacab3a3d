"""Websocket routes of every app with a live page, collected in one list."""

from attendance.routing import websocket_urlpatterns as attendance_routes

websocket_urlpatterns: list = [*attendance_routes]
