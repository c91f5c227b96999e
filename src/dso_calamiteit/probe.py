"""Checking the targets over HTTP, all at once: httpx async client, bounded concurrency, pooled connections.

Redirects are followed by hand so that the API key (x-api-key) only ever goes to the host of a target
that needs it, never to a host a redirect points at. TLS certificates are always verified. A check that
would take longer than its timeout is cut off, and a body is read only as far as the text check needs.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import httpx

from .monitoring import Check, Target

MAX_REDIRECTS = 5


def _reason(exc: BaseException) -> str:
    """The failure in words an operator can act on; never the request (it may carry the key)."""
    if isinstance(exc, httpx.TimeoutException | asyncio.TimeoutError | TimeoutError):
        return "time-out"
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "certificaatfout (certificaat niet vertrouwd of ongeldig)"
        if isinstance(cause, ssl.SSLError):
            return "TLS-fout"
        if isinstance(cause, socket.gaierror):
            return "DNS-fout (naam niet gevonden)"
        if isinstance(cause, ConnectionRefusedError):
            return "verbinding geweigerd"
        if isinstance(cause, ConnectionResetError):
            return "verbinding verbroken"
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if "certificate" in text:
        return "certificaatfout (certificaat niet vertrouwd of ongeldig)"
    if "name or service not known" in text or "nodename nor servname" in text or "name resolution" in text:
        return "DNS-fout (naam niet gevonden)"
    if "connection refused" in text:
        return "verbinding geweigerd"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "verbinding verbroken zonder antwoord"
    return f"verbinding mislukt ({type(exc).__name__})"


async def _fetch(client: httpx.AsyncClient, target: Target, api_key: str | None, max_body: int) -> Check:
    url = target.url
    started = time.perf_counter()
    for _ in range(MAX_REDIRECTS + 1):
        send_key = target.api_key and api_key and urlsplit(url).netloc.lower() == target.host
        headers = {"x-api-key": api_key} if send_key and api_key else {}
        request = client.build_request("GET", url, headers=headers)
        response = await client.send(request, stream=True)
        try:
            if response.is_redirect and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            latency = (time.perf_counter() - started) * 1000
            found = None
            if target.contains and response.status_code == target.expect_status:
                found = await _contains(response, target.contains, max_body)
                latency = (time.perf_counter() - started) * 1000
            return Check(response.status_code, latency, found, None)
        finally:
            await response.aclose()
    return Check(
        None, (time.perf_counter() - started) * 1000, None, f"te veel doorverwijzingen (meer dan {MAX_REDIRECTS})"
    )


async def _contains(response: httpx.Response, text: str, max_body: int) -> bool:
    """Read only until `text` shows up or `max_body` bytes have come: a 100 MB answer is never read whole."""
    needle = text.encode("utf-8")
    window = b""
    read = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        window = window[-len(needle) :] + chunk
        if needle in window:
            return True
        if read >= max_body:
            return False
    return False


async def check_all(
    targets: list[Target],
    *,
    api_key: str | None,
    timeout: float,
    concurrency: int,
    max_body: int,
    on_done: Callable[[Target, Check], None] | None = None,
) -> list[Check]:
    """One check per target, at most `concurrency` at a time, each cut off after `timeout` seconds."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)

    async def one(client: httpx.AsyncClient, target: Target) -> Check:
        async with gate:
            started = time.perf_counter()
            try:
                check = await asyncio.wait_for(_fetch(client, target, api_key, max_body), timeout)
            except Exception as exc:  # every failure becomes a reason; the key is never part of it
                check = Check(None, (time.perf_counter() - started) * 1000, None, _reason(exc))
        if on_done is not None:
            on_done(target, check)
        return check

    async with httpx.AsyncClient(
        limits=limits, timeout=httpx.Timeout(timeout), follow_redirects=False, verify=True, trust_env=False
    ) as client:
        return list(await asyncio.gather(*(one(client, t) for t in targets)))
