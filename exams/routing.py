"""Websocket routes of the exam pages: the proctor board of an exam and a candidate's attempt
page (deadline and server time only)."""

from django.urls import re_path

from exams.consumers import AttemptConsumer, ProctorBoardConsumer

websocket_urlpatterns: list = [
    re_path(r"^ws/exams/(?P<exam_id>\d+)/proctor/$", ProctorBoardConsumer.as_asgi()),
    re_path(r"^ws/attempts/(?P<attempt_id>\d+)/$", AttemptConsumer.as_asgi()),
]
