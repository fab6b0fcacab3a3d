import pytest
from asgiref.sync import sync_to_async
from django.db import transaction

from core.live import LiveGroupConsumer, broadcast_on_commit, group_name, send_now
from tests.live import live_socket, refused_code


class BoardConsumer(LiveGroupConsumer):
    """What a live page's consumer looks like: it names the groups the user may join."""

    async def get_groups(self):
        board = self.scope["url_route"]["kwargs"]["board"]
        if board == "secret":
            return None
        return [group_name("board", board)]


ROUTE = r"^ws/boards/(?P<board>\w+)/$"


@pytest.mark.django_db(transaction=True)
async def test_event_reaches_socket_only_after_commit(trainee):
    user = await sync_to_async(lambda: trainee.user)()
    async with live_socket(BoardConsumer.as_asgi(), "/ws/boards/a1/", user, ROUTE) as socket:

        def write_and_broadcast(fail: bool):
            with transaction.atomic():
                broadcast_on_commit("board.a1", "signed_in", {"name": "李明", "count": 1})
                if fail:
                    transaction.set_rollback(True)

        await sync_to_async(write_and_broadcast)(fail=True)
        assert await socket.receive_nothing(timeout=0.2)
        await sync_to_async(write_and_broadcast)(fail=False)
        message = await socket.receive_json_from(timeout=2)
        assert message == {"event": "signed_in", "data": {"name": "李明", "count": 1}}


@pytest.mark.django_db(transaction=True)
async def test_other_groups_do_not_receive(trainee):
    user = await sync_to_async(lambda: trainee.user)()
    async with live_socket(BoardConsumer.as_asgi(), "/ws/boards/b1/", user, ROUTE) as socket:
        await sync_to_async(send_now)("board.b2", "signed_in", {})
        assert await socket.receive_nothing(timeout=0.2)


@pytest.mark.django_db
async def test_anonymous_is_refused():
    assert await refused_code(BoardConsumer.as_asgi(), "/ws/boards/a1/", None, ROUTE) == 4401


@pytest.mark.django_db(transaction=True)
async def test_consumer_refuses_a_group_the_user_may_not_watch(trainee):
    user = await sync_to_async(lambda: trainee.user)()
    assert await refused_code(BoardConsumer.as_asgi(), "/ws/boards/secret/", user, ROUTE) == 4403


@pytest.mark.django_db
def test_broadcast_runs_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr("core.live.send_now", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        broadcast_on_commit("board.1", "changed", {"n": 1})
        assert sent == []
    assert len(callbacks) == 1
    assert sent == [("board.1", "changed", {"n": 1})]
