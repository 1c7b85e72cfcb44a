"""The service embedded in this process: the engine of ``allocation serve`` (its routes,
handlers, group commit, outbox and audit, on the same database), without the sockets."""

from __future__ import annotations

import asyncio
import weakref
from types import TracebackType
from typing import Any, Optional, Tuple, Type

from allocation import _core
from allocation._api import Api, AsyncApi
from allocation._calls import Call


class _Embedded:
    def __init__(self, database_url: str) -> None:
        self._core = _core.EmbeddedService(database_url)
        # Closed at exit at the latest, while the interpreter can still run its threads.
        self._finalizer = weakref.finalize(self, self._core.close)

    def close(self) -> None:
        """Answers every request already made, then stops; later requests get 503."""
        self._finalizer()


class Service(_Embedded, Api):
    """``Service("sqlite:///path/to/db")`` (or ``postgresql://...``): each method waits for
    its answer with the GIL released, so that threads calling at once share group commits."""

    def _send(self, call: Call[Any]) -> Tuple[int, bytes]:
        status, body = self._core.request(call.method, call.target, call.body.decode(),
                                          call.idempotency_key)
        return status, body

    def __enter__(self) -> "Service":
        return self

    def __exit__(self, kind: Optional[Type[BaseException]], error: Optional[BaseException],
                 trace: Optional[TracebackType]) -> None:
        self.close()


class AsyncService(_Embedded, AsyncApi):
    """The embedded service for asyncio: ``await service.allocate(...)`` never blocks the
    loop, and the coroutines awaiting at once share group commits."""

    async def _send(self, call: Call[Any]) -> Tuple[int, bytes]:
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[Tuple[int, bytes]] = loop.create_future()

        def settle(status: int, body: bytes) -> None:
            if not answered.done():
                answered.set_result((status, body))

        def done(status: int, body: bytes) -> None:
            loop.call_soon_threadsafe(settle, status, body)

        self._core.submit(call.method, call.target, call.body.decode(), call.idempotency_key,
                          done)
        return await answered

    async def __aenter__(self) -> "AsyncService":
        return self

    async def __aexit__(self, kind: Optional[Type[BaseException]],
                        error: Optional[BaseException],
                        trace: Optional[TracebackType]) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.close)
