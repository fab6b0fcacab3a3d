"""Live events: services broadcast to a Channels group once their transaction commits.

Live pages (the roll-call board, the proctor board) subscribe through a consumer derived
from ``LiveGroupConsumer``. Nothing is kept in process memory: with ``REDIS_URL`` set, an
event sent by one worker reaches sockets held by any other.
"""

import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

EVENT_HANDLER = "live.event"


def group_name(*parts: object) -> str:
    """A valid Channels group name from parts, e.g. ``group_name("session", 12)``."""
    return ".".join(str(part) for part in parts)


def send_now(group: str, event: str, data: dict[str, Any]) -> None:
    """Send an event to a group at once; prefer ``broadcast_on_commit`` inside services."""
    layer = get_channel_layer()
    if layer is None:
        return
    payload = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    async_to_sync(layer.group_send)(group, {"type": EVENT_HANDLER, "event": event, "data": payload})


def broadcast_on_commit(group: str, event: str, data: dict[str, Any]) -> None:
    """Send ``event`` with ``data`` to every socket in ``group`` after the current transaction
    commits; nothing is sent if it rolls back. Outside a transaction it is sent at once."""
    transaction.on_commit(lambda: send_now(group, event, data))


class LiveGroupConsumer(AsyncJsonWebsocketConsumer):
    """Relays live events of the groups a connected user may watch.

    Subclasses implement ``get_groups`` (return the group names, or ``None`` to refuse the
    connection); the base class authenticates from the scope, joins and leaves the groups
    and forwards each event as ``{"event": ..., "data": ...}``.
    """

    groups_joined: list[str]

    async def get_groups(self) -> list[str] | None:
        """The groups this connection may join; ``None`` refuses it (the default)."""
        return None

    async def connect(self):
        self.groups_joined = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        groups = await self.get_groups()
        if groups is None:
            await self.close(code=4403)
            return
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def live_event(self, message):
        await self.send_json({"event": message["event"], "data": message["data"]})
