"""Each operation of the service as one request and the reading of its answer, shared by the
embedded service and the client, sync and async: they differ only in how a request travels."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Generic, Iterable, Optional, Sequence, Tuple, TypeVar, Union
from urllib.parse import quote, urlencode

from allocation import results
from allocation.domain import commands
from allocation.errors import error_for

T = TypeVar("T")

# What a line of an order may be given as: a RequestedLine, or (sku, qty) or (sku, qty, split).
LineLike = Union[commands.RequestedLine, Tuple[str, int], Tuple[str, int, bool]]


@dataclass(frozen=True)
class Call(Generic[T]):
    method: str
    target: str
    body: bytes
    read: Callable[[int, bytes], T]
    # POSTs carry one, the same on every retry, so that a retried change happens once.
    idempotency_key: Optional[str]


def _call(method: str, target: str, body: Optional[dict[str, Any]],
          read: Callable[[int, bytes], T]) -> Call[T]:
    encoded = b"" if body is None else json.dumps(body).encode()
    key = uuid.uuid4().hex if method == "POST" else None
    return Call(method, target, encoded, read, key)


def _answer(status: int, body: bytes) -> Any:
    """The answer's JSON, or the error it is."""
    try:
        decoded = json.loads(body) if body else None
    except ValueError:
        decoded = None
    if status >= 300:
        message = decoded.get("message", "") if isinstance(decoded, dict) else body.decode(
            errors="replace")
        raise error_for(status, message, decoded if isinstance(decoded, dict) else {})
    return decoded


def _nothing(status: int, body: bytes) -> None:
    _answer(status, body)


def _date(text: Optional[str]) -> Optional[date]:
    return None if text is None else date.fromisoformat(text)


def _instant(text: Optional[str]) -> Optional[datetime]:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def _iso(day: Optional[date]) -> Optional[str]:
    return None if day is None else day.isoformat()


def _path(segment: str) -> str:
    return quote(segment, safe="")


def _order(status: int, body: bytes) -> results.Order:
    o = _answer(status, body)
    lines = tuple(results.LineState(line["sku"], line["qty"], line["batchref"],
                                    _date(line["eta"]), line["state"]) for line in o["lines"])
    return results.Order(o["orderid"], o["status"], _instant(o.get("expires_at")), lines,
                         created=status == 201)


def _line(line: LineLike) -> dict[str, Any]:
    if isinstance(line, commands.RequestedLine):
        return {"sku": line.sku, "qty": line.qty, "split": line.split}
    given: Tuple[Any, ...] = tuple(line)
    return {"sku": given[0], "qty": given[1], "split": len(given) > 2 and bool(given[2])}


def _kept(line: LineLike) -> dict[str, Any]:
    """A line of a confirmation: what to keep of a SKU's hold (split means nothing there)."""
    listed = _line(line)
    return {"sku": listed["sku"], "qty": listed["qty"]}


def add_batch(ref: str, sku: str, qty: int, eta: Optional[date] = None) -> Call[None]:
    return _call("POST", "/add_batch", {"ref": ref, "sku": sku, "qty": qty, "eta": _iso(eta)},
                 _nothing)


def _creation(status: int, body: bytes) -> results.BatchesCreation:
    if status == 422:
        decoded = json.loads(body)
        if "refused" not in decoded:
            _answer(status, body)
    else:
        decoded = _answer(status, body)
    refused = tuple(results.RefusedBatch(r["index"], r["message"]) for r in decoded["refused"])
    return results.BatchesCreation(decoded["created"], decoded["unchanged"], refused,
                                   decoded["dry_run"])


def add_batches(batches: Iterable[commands.CreateBatch], skip_refused: bool = False,
                dry_run: bool = False) -> Call[results.BatchesCreation]:
    listed = [{"ref": b.ref, "sku": b.sku, "qty": b.qty, "eta": _iso(b.eta)} for b in batches]
    return _call("POST", "/batches", {"batches": listed,
                                      "on_error": "skip" if skip_refused else "refuse",
                                      "dry_run": dry_run}, _creation)


def allocate(orderid: str, sku: str, qty: int) -> Call[Optional[str]]:
    def read(status: int, body: bytes) -> Optional[str]:
        batchref: Optional[str] = _answer(status, body)["batchref"]
        return batchref
    return _call("POST", "/allocate", {"orderid": orderid, "sku": sku, "qty": qty}, read)


def change_batch_quantity(ref: str, qty: int, expected_qty: Optional[int] = None) -> Call[None]:
    body: dict[str, Any] = {"ref": ref, "qty": qty}
    if expected_qty is not None:
        body["expected_qty"] = expected_qty
    return _call("POST", "/change_batch_quantity", body, _nothing)


def change_batch_eta(ref: str, eta: Optional[date]) -> Call[None]:
    return _call("POST", "/change_batch_eta", {"ref": ref, "eta": _iso(eta)}, _nothing)


def allocations(orderid: str) -> Call[Tuple[results.Allocation, ...]]:
    def read(status: int, body: bytes) -> Tuple[results.Allocation, ...]:
        return tuple(results.Allocation(a["sku"], a["batchref"]) for a in _answer(status, body))
    return _call("GET", "/allocations/" + _path(orderid), None, read)


def product(sku: str) -> Call[results.ProductStock]:
    def read(status: int, body: bytes) -> results.ProductStock:
        p = _answer(status, body)
        return results.ProductStock(p["sku"], tuple(
            results.BatchStock(b["purchased"], b["allocated"], b["held"], b["available"],
                               ref=b["ref"], eta=_date(b["eta"])) for b in p["batches"]))
    return _call("GET", "/products/" + _path(sku), None, read)


def products(after: str = "", limit: Optional[int] = None) -> Call[results.ProductPage]:
    query = {"after": after} if after else {}
    if limit is not None:
        query["limit"] = str(limit)
    def read(status: int, body: bytes) -> results.ProductPage:
        page = _answer(status, body)
        return results.ProductPage(tuple(
            results.ProductTotals(p["purchased"], p["allocated"], p["held"], p["available"],
                                  sku=p["sku"]) for p in page["products"]), page["next"])
    return _call("GET", "/products" + ("?" + urlencode(query) if query else ""), None, read)


def place_order(orderid: str, lines: Sequence[LineLike], hold_seconds: Optional[int] = None,
                dry_run: bool = False) -> Call[results.Order]:
    body: dict[str, Any] = {"orderid": orderid, "lines": [_line(line) for line in lines],
                            "dry_run": dry_run}
    if hold_seconds is not None:
        body["hold_seconds"] = hold_seconds
    return _call("POST", "/orders", body, _order)


def order(orderid: str) -> Call[results.Order]:
    return _call("GET", "/orders/" + _path(orderid), None, _order)


def confirm_order(orderid: str, lines: Sequence[LineLike] = ()) -> Call[results.Order]:
    body = {"lines": [_kept(line) for line in lines]} if lines else None
    return _call("POST", f"/orders/{_path(orderid)}/confirm", body, _order)


def cancel_order(orderid: str, skus: Sequence[str] = ()) -> Call[results.Order]:
    return _call("POST", f"/orders/{_path(orderid)}/cancel",
                 {"skus": list(skus)} if skus else None, _order)


def ship_order(orderid: str, skus: Sequence[str] = ()) -> Call[results.Order]:
    return _call("POST", f"/orders/{_path(orderid)}/ship",
                 {"skus": list(skus)} if skus else None, _order)


def metrics() -> Call[str]:
    def read(status: int, body: bytes) -> str:
        if status >= 300:
            _answer(status, body)
        return body.decode()
    return _call("GET", "/metrics", None, read)


def handle(command: commands.Command) -> Call[Any]:
    """The call that carries out `command`."""
    c: Any = command
    by_type: dict[type, Callable[[], Call[Any]]] = {
        commands.CreateBatch: lambda: add_batch(c.ref, c.sku, c.qty, c.eta),
        commands.CreateBatches: lambda: add_batches(c.batches, c.skip_refused, c.dry_run),
        commands.Allocate: lambda: allocate(c.orderid, c.sku, c.qty),
        commands.ChangeBatchQuantity: lambda: change_batch_quantity(c.ref, c.qty, c.expected_qty),
        commands.ChangeBatchEta: lambda: change_batch_eta(c.ref, c.eta),
        commands.CancelOrder: lambda: cancel_order(c.orderid, c.skus),
        commands.ShipOrder: lambda: ship_order(c.orderid, c.skus),
        commands.PlaceOrder: lambda: place_order(c.orderid, c.lines, c.hold_seconds, c.dry_run),
        commands.ConfirmOrder: lambda: confirm_order(c.orderid, c.lines),
    }
    for kind, make in by_type.items():
        if isinstance(command, kind):
            return make()
    raise TypeError(f"not a command: {command!r}")
