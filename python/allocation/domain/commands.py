"""What a caller asks of the service, as values: one frozen dataclass per command, with the
fields of the service's command contract. ``allocation.Service.handle`` and
``allocation.Client.handle`` take any of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional, Sequence


class Command:
    """Every command the service handles."""


@dataclass(frozen=True)
class CreateBatch(Command):
    ref: str
    sku: str
    qty: int
    eta: Optional[date] = None


@dataclass(frozen=True)
class CreateBatches(Command):
    """Batches created together: each new, or already there with the same values. When any
    is refused, none is created, unless ``skip_refused``; with ``dry_run``, none is."""

    batches: Sequence[CreateBatch]
    skip_refused: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class Allocate(Command):
    orderid: str
    sku: str
    qty: int


@dataclass(frozen=True)
class ChangeBatchQuantity(Command):
    """With ``expected_qty``, only if the batch's quantity is still that."""

    ref: str
    qty: int
    expected_qty: Optional[int] = None


@dataclass(frozen=True)
class ChangeBatchEta(Command):
    """``eta`` None: the batch has arrived in the warehouse."""

    ref: str
    eta: Optional[date]


@dataclass(frozen=True)
class CancelOrder(Command):
    """Returns the order's lines of ``skus`` to stock, or all of them when none is named."""

    orderid: str
    skus: Sequence[str] = ()


@dataclass(frozen=True)
class ShipOrder(Command):
    """The order's lines of ``skus``, or all of them, leave the warehouse."""

    orderid: str
    skus: Sequence[str] = ()


@dataclass(frozen=True)
class RequestedLine:
    """A line of an order to place; with ``split``, it may take stock from several batches."""

    sku: str
    qty: int
    split: bool = False


@dataclass(frozen=True)
class PlaceOrder(Command):
    """A whole order: every line is placed, or none is. With ``hold_seconds`` its stock is
    held for that long rather than allocated; with ``dry_run`` nothing is stored."""

    orderid: str
    lines: Sequence[RequestedLine]
    hold_seconds: Optional[int] = None
    dry_run: bool = False


@dataclass(frozen=True)
class ConfirmOrder(Command):
    """A held order becomes allocated: whole, or with ``lines`` only those quantities."""

    orderid: str
    lines: Sequence[RequestedLine] = ()
