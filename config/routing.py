"""Websocket routes of every app with a live page, collected in one list."""

websocket_urlpatterns: list = []
