"""The pattern for testing live pages: connect a consumer as a user, receive its events.

async with live_socket(MyConsumer.as_asgi(), "/ws/things/1/", user) as socket:
    ...  # do something that broadcasts
    assert (await socket.receive_json_from())["event"] == "thing.changed"
"""

import contextlib

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.urls import re_path


@contextlib.asynccontextmanager
async def live_socket(consumer, path: str, user=None, route: str | None = None):
    """A connected ``WebsocketCommunicator`` for ``consumer`` at ``path`` as ``user``.

    ``route`` is the URL pattern the consumer is mounted on (default: ``path`` itself), so
    URL keyword arguments reach the consumer as they would in production. Raises
    AssertionError with the close code if the consumer refuses the connection.
    """
    application = URLRouter([re_path(route or f"^{path.lstrip('/')}$", consumer)])
    communicator = WebsocketCommunicator(application, path)
    communicator.scope["user"] = user or AnonymousUser()
    connected, code = await communicator.connect()
    try:
        assert connected, f"connection refused with close code {code}"
        yield communicator
    finally:
        await communicator.disconnect()


async def refused_code(consumer, path: str, user=None, route: str | None = None) -> int:
    """The close code a consumer answers with when it refuses ``user``."""
    application = URLRouter([re_path(route or f"^{path.lstrip('/')}$", consumer)])
    communicator = WebsocketCommunicator(application, path)
    communicator.scope["user"] = user or AnonymousUser()
    connected, code = await communicator.connect()
    await communicator.disconnect()
    assert not connected, "the connection was accepted"
    return code
