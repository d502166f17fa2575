"""Running the service: one uvicorn process, or several sharing one listening socket.

Workers are forked after the socket is bound, and each builds its own application (and so its
own database engine and pool) after the fork: a connection is never shared between processes.
The parent only forwards SIGINT and SIGTERM to the workers and waits for them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Callable
from types import FrameType
from typing import Any

import uvicorn
from starlette.types import ASGIApp

__all__ = ["serve"]

_BACKLOG = 2048


def serve(
    make_app: Callable[[], ASGIApp],
    *,
    host: str,
    port: int,
    workers: int = 1,
    **options: Any,
) -> None:
    """Serve the application `make_app` builds on host:port with `workers` processes (uvicorn
    options such as `proxy_headers` pass through). Returns when every worker has stopped."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    listening = socket.create_server((host, port), backlog=_BACKLOG)
    listening.set_inheritable(True)
    if workers == 1:
        try:
            uvicorn.Server(uvicorn.Config(make_app(), **options)).run(sockets=[listening])
        finally:
            listening.close()
        return
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: serve until told to stop, never return into the parent's code
            code = 0
            try:
                uvicorn.Server(uvicorn.Config(make_app(), **options)).run(sockets=[listening])
            except BaseException:  # noqa: BLE001 - the worker reports by its exit status alone
                code = 1
            os._exit(code)
        children.append(pid)
    listening.close()

    def stop(signum: int, _frame: FrameType | None) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):  # it stopped already
                os.kill(child, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for child in children:
            os.waitpid(child, 0)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
