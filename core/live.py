"""Live events: services broadcast to a Channels group once their transaction commits.

Live pages (the roll-call board, the proctor board) subscribe through a consumer derived
from ``LiveGroupConsumer``. Nothing is kept in process memory: with ``REDIS_URL`` set, an
event sent by one worker reaches sockets held by any other.

Events are a convenience, never part of a write: when the channel layer (Redis) cannot be
reached the event is dropped and the outage logged (``core.outage``: a warning when it goes,
now and then while it lasts, and when it is back), and the request that wrote answers as
usual. A socket that cannot join its groups, or loses the channel layer while open, is
closed with 1013 ("try again later"); the page reconnects (``frontend/live.js``) and gets
the whole board again once Redis answers.
"""

import contextlib
import json
import logging
import weakref
from typing import Any

from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from core.outage import REDIS_DOWN, Outage

logger = logging.getLogger(__name__)

EVENT_HANDLER = "live.event"
# The close code of a socket whose channel layer is down: "try again later" (RFC 6455's
# registry), which the page answers by reconnecting.
CLOSE_TRY_AGAIN_LATER = 1013

_outages: "weakref.WeakKeyDictionary[object, Outage]" = weakref.WeakKeyDictionary()


def layer_outage(layer) -> Outage:
    """The outage state of a channel layer (one per layer: a new one after the settings
    change, as in tests)."""
    outage = _outages.get(layer)
    if outage is None:
        outage = _outages.setdefault(
            layer,
            Outage(
                "The channel layer (live events)",
                doing_without="live events are dropped and live pages wait to reconnect",
                logger=logger,
            ),
        )
    return outage


def group_name(*parts: object) -> str:
    """A valid Channels group name from parts, e.g. ``group_name("session", 12)``."""
    return ".".join(str(part) for part in parts)


def send_now(group: str, event: str, data: dict[str, Any]) -> bool:
    """Send an event to a group at once; prefer ``broadcast_on_commit`` inside services.

    Returns whether it was handed to the channel layer. Never raises because the layer is
    down: the event is dropped (see the module's docstring)."""
    layer = get_channel_layer()
    if layer is None:
        return False
    payload = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    outage = layer_outage(layer)
    if outage.skip():
        return False
    try:
        async_to_sync(layer.group_send)(
            group, {"type": EVENT_HANDLER, "event": event, "data": payload}
        )
    except REDIS_DOWN as error:
        outage.failed(error)
        return False
    outage.succeeded()
    return True


def broadcast_on_commit(group: str, event: str, data: dict[str, Any]) -> None:
    """Send ``event`` with ``data`` to every socket in ``group`` after the current transaction
    commits; nothing is sent if it rolls back. Outside a transaction it is sent at once.

    Robust: the data is committed by then, so whatever goes wrong sending is logged and
    never becomes the request's answer (nor stops the other callbacks of the commit)."""
    transaction.on_commit(lambda: send_now(group, event, data), robust=True)


class LiveGroupConsumer(AsyncJsonWebsocketConsumer):
    """Relays live events of the groups a connected user may watch.

    Subclasses implement ``get_groups`` (return the group names, or ``None`` to refuse the
    connection); the base class authenticates from the scope, joins and leaves the groups
    and forwards each event as ``{"event": ..., "data": ...}``.
    """

    groups_joined: list[str]

    async def __call__(self, scope, receive, send):
        # The channel layer is used from the first moment (the receive loop starts with the
        # connection) to the last (leaving the groups), so its outage is caught here, once.
        try:
            await super().__call__(scope, receive, send)
        except REDIS_DOWN as error:
            layer_outage(self.channel_layer).failed(error)
            # Before the handshake this refuses it; after, it closes the open socket. The
            # server may have closed it already: nothing more to do then.
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
            # What a normal disconnect undoes (a subclass's timer task, say) is undone too.
            await self.disconnect(CLOSE_TRY_AGAIN_LATER)

    async def get_groups(self) -> list[str] | None:
        """The groups this connection may join; ``None`` refuses it (the default)."""
        return None

    async def connect(self):
        self.groups_joined = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        # A password set by someone else must be changed first, as on the pages and the API
        # (people.password_change); read through the relation, so core imports no app.
        if await user.__class__._default_manager.filter(
            pk=user.pk, employee__must_change_password=True
        ).aexists():
            await self.close(code=4403)
            return
        groups = await self.get_groups()
        if groups is None:
            await self.close(code=4403)
            return
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        layer_outage(self.channel_layer).succeeded()
        self.groups_joined = groups
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except REDIS_DOWN as error:
                # The membership expires in Redis by itself (the layer's group expiry).
                layer_outage(self.channel_layer).failed(error)
                break

    async def live_event(self, message):
        await self.send_json({"event": message["event"], "data": message["data"]})
