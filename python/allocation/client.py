"""A client of a running server: ``Client(url, token=None)`` and ``AsyncClient``, with the
operations of the embedded service, over HTTP/1.1 with keep-alive."""

from __future__ import annotations

import asyncio
import http.client
from types import TracebackType
from typing import Any, Dict, List, Optional, Tuple, Type
from urllib.parse import urlsplit

from allocation._api import Api, AsyncApi
from allocation._calls import Call


class _Http:
    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 30.0,
                 retries: int = 3) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"not an http://HOST:PORT address: {url!r}")
        self._host = parts.hostname
        self._port = parts.port or 80
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self.retries = retries
        self._headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if token is not None:
            self._headers["Authorization"] = f"Bearer {token}"

    def _headers_of(self, call: Call[Any]) -> Dict[str, str]:
        headers = dict(self._headers)
        if call.idempotency_key is not None:
            headers["Idempotency-Key"] = call.idempotency_key
        return headers


class Client(_Http, Api):
    """One connection, kept alive; use one client per thread."""

    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 30.0,
                 retries: int = 3) -> None:
        super().__init__(url, token, timeout, retries)
        self._connection: Optional[http.client.HTTPConnection] = None

    def _send(self, call: Call[Any]) -> Tuple[int, bytes]:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self._host, self._port,
                                                          timeout=self._timeout)
        try:
            self._connection.request(call.method, self._prefix + call.target, body=call.body,
                                     headers=self._headers_of(call))
            response = self._connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise ConnectionError(f"{self._host}:{self._port}: {error}") from error

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, kind: Optional[Type[BaseException]], error: Optional[BaseException],
                 trace: Optional[TracebackType]) -> None:
        self.close()


_Connection = Tuple[asyncio.StreamReader, asyncio.StreamWriter]


class AsyncClient(_Http, AsyncApi):
    """Connections kept alive and shared by the coroutines of one event loop: one per
    request in flight."""

    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 30.0,
                 retries: int = 3) -> None:
        super().__init__(url, token, timeout, retries)
        self._idle: List[_Connection] = []

    async def _send(self, call: Call[Any]) -> Tuple[int, bytes]:
        connection = self._idle.pop() if self._idle else None
        try:
            if connection is None:
                connection = await asyncio.wait_for(
                    asyncio.open_connection(self._host, self._port), self._timeout)
            answer = await asyncio.wait_for(self._exchange(connection, call), self._timeout)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as error:
            if connection is not None:
                connection[1].close()
            raise ConnectionError(f"{self._host}:{self._port}: {error!r}") from error
        status, body, keep_alive = answer
        if keep_alive:
            self._idle.append(connection)
        else:
            connection[1].close()
        return status, body

    async def _exchange(self, connection: _Connection,
                        call: Call[Any]) -> Tuple[int, bytes, bool]:
        reader, writer = connection
        headers = self._headers_of(call)
        headers["Host"] = f"{self._host}:{self._port}"
        headers["Content-Length"] = str(len(call.body))
        head = f"{call.method} {self._prefix}{call.target} HTTP/1.1\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
        writer.write(head.encode("latin-1") + call.body)
        await writer.drain()
        status_line = await reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        fields: Dict[str, str] = {}
        while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            fields[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(fields.get("content-length", "0")))
        return status, body, fields.get("connection", "").lower() != "close"

    async def close(self) -> None:
        while self._idle:
            _, writer = self._idle.pop()
            writer.close()
            await writer.wait_closed()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, kind: Optional[Type[BaseException]],
                        error: Optional[BaseException],
                        trace: Optional[TracebackType]) -> None:
        await self.close()
