"""The operations of the service, once for callers that wait (``Api``) and once for
coroutines (``AsyncApi``): each a call of ``allocation._calls``, sent by the subclass's
``_send``. A call that meets a connection error or a 503 is sent again, with the same
Idempotency-Key, up to ``retries`` times with a growing pause."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import date
from typing import Any, Optional, Sequence, Tuple, TypeVar, Union

from allocation import _calls, results
from allocation._calls import Call, LineLike
from allocation.domain import commands
from allocation.errors import ConnectionFailed

T = TypeVar("T")


# What sending a call came to: the status and body answered, or the connection's failure.
_Answer = Union[Tuple[int, bytes], ConnectionError]


def _final(call: Call[T], answer: _Answer) -> T:
    if isinstance(answer, ConnectionError):
        raise ConnectionFailed(0, str(answer)) from answer
    return call.read(*answer)


class _Retrying:
    retries = 3
    backoff_seconds = 0.05

    def _pause_before_retry(self, attempt: int, answer: _Answer) -> Optional[float]:
        """How long to wait before sending the call again; None when `answer` is final."""
        retried = isinstance(answer, ConnectionError) or answer[0] == 503
        if not retried or attempt >= self.retries:
            return None
        return float(self.backoff_seconds * 2**attempt)


class Api(_Retrying):
    def _send(self, call: Call[Any]) -> Tuple[int, bytes]:
        raise NotImplementedError

    def _run(self, call: Call[T]) -> T:
        for attempt in itertools.count():
            try:
                answer: _Answer = self._send(call)
            except ConnectionError as error:
                answer = error
            pause = self._pause_before_retry(attempt, answer)
            if pause is None:
                return _final(call, answer)
            time.sleep(pause)
        raise AssertionError("unreachable")

    def handle(self, command: commands.Command) -> Any:
        """Carries out any command of allocation.domain.commands; answers as its method."""
        return self._run(_calls.handle(command))

    def add_batch(self, ref: str, sku: str, qty: int, eta: Optional[date] = None) -> None:
        return self._run(_calls.add_batch(ref, sku, qty, eta))

    def add_batches(self, batches: Sequence[commands.CreateBatch], skip_refused: bool = False,
                    dry_run: bool = False) -> results.BatchesCreation:
        return self._run(_calls.add_batches(batches, skip_refused, dry_run))

    def allocate(self, orderid: str, sku: str, qty: int) -> Optional[str]:
        """The batch the line went to; None when out of stock."""
        return self._run(_calls.allocate(orderid, sku, qty))

    def change_batch_quantity(self, ref: str, qty: int,
                              expected_qty: Optional[int] = None) -> None:
        return self._run(_calls.change_batch_quantity(ref, qty, expected_qty))

    def change_batch_eta(self, ref: str, eta: Optional[date]) -> None:
        return self._run(_calls.change_batch_eta(ref, eta))

    def allocations(self, orderid: str) -> Tuple[results.Allocation, ...]:
        return self._run(_calls.allocations(orderid))

    def product(self, sku: str) -> results.ProductStock:
        return self._run(_calls.product(sku))

    def products(self, after: str = "", limit: Optional[int] = None) -> results.ProductPage:
        return self._run(_calls.products(after, limit))

    def place_order(self, orderid: str, lines: Sequence[LineLike],
                    hold_seconds: Optional[int] = None, dry_run: bool = False) -> results.Order:
        return self._run(_calls.place_order(orderid, lines, hold_seconds, dry_run))

    def order(self, orderid: str) -> results.Order:
        return self._run(_calls.order(orderid))

    def confirm_order(self, orderid: str, lines: Sequence[LineLike] = ()) -> results.Order:
        return self._run(_calls.confirm_order(orderid, lines))

    def cancel_order(self, orderid: str, skus: Sequence[str] = ()) -> results.Order:
        return self._run(_calls.cancel_order(orderid, skus))

    def ship_order(self, orderid: str, skus: Sequence[str] = ()) -> results.Order:
        return self._run(_calls.ship_order(orderid, skus))

    def metrics(self) -> str:
        """The service's figures in the Prometheus text format, as GET /metrics answers."""
        return self._run(_calls.metrics())


class AsyncApi(_Retrying):
    async def _send(self, call: Call[Any]) -> Tuple[int, bytes]:
        raise NotImplementedError

    async def _run(self, call: Call[T]) -> T:
        for attempt in itertools.count():
            try:
                answer: _Answer = await self._send(call)
            except ConnectionError as error:
                answer = error
            pause = self._pause_before_retry(attempt, answer)
            if pause is None:
                return _final(call, answer)
            await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    async def handle(self, command: commands.Command) -> Any:
        return await self._run(_calls.handle(command))

    async def add_batch(self, ref: str, sku: str, qty: int, eta: Optional[date] = None) -> None:
        return await self._run(_calls.add_batch(ref, sku, qty, eta))

    async def add_batches(self, batches: Sequence[commands.CreateBatch],
                          skip_refused: bool = False,
                          dry_run: bool = False) -> results.BatchesCreation:
        return await self._run(_calls.add_batches(batches, skip_refused, dry_run))

    async def allocate(self, orderid: str, sku: str, qty: int) -> Optional[str]:
        return await self._run(_calls.allocate(orderid, sku, qty))

    async def change_batch_quantity(self, ref: str, qty: int,
                                    expected_qty: Optional[int] = None) -> None:
        return await self._run(_calls.change_batch_quantity(ref, qty, expected_qty))

    async def change_batch_eta(self, ref: str, eta: Optional[date]) -> None:
        return await self._run(_calls.change_batch_eta(ref, eta))

    async def allocations(self, orderid: str) -> Tuple[results.Allocation, ...]:
        return await self._run(_calls.allocations(orderid))

    async def product(self, sku: str) -> results.ProductStock:
        return await self._run(_calls.product(sku))

    async def products(self, after: str = "",
                       limit: Optional[int] = None) -> results.ProductPage:
        return await self._run(_calls.products(after, limit))

    async def place_order(self, orderid: str, lines: Sequence[LineLike],
                          hold_seconds: Optional[int] = None,
                          dry_run: bool = False) -> results.Order:
        return await self._run(_calls.place_order(orderid, lines, hold_seconds, dry_run))

    async def order(self, orderid: str) -> results.Order:
        return await self._run(_calls.order(orderid))

    async def confirm_order(self, orderid: str,
                            lines: Sequence[LineLike] = ()) -> results.Order:
        return await self._run(_calls.confirm_order(orderid, lines))

    async def cancel_order(self, orderid: str, skus: Sequence[str] = ()) -> results.Order:
        return await self._run(_calls.cancel_order(orderid, skus))

    async def ship_order(self, orderid: str, skus: Sequence[str] = ()) -> results.Order:
        return await self._run(_calls.ship_order(orderid, skus))

    async def metrics(self) -> str:
        return await self._run(_calls.metrics())
