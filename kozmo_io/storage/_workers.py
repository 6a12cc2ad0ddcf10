"""The threads that run the obstore-backed stores' requests (obstore's synchronous API).

obstore's asynchronous API hands each result back from one of its runtime's Rust threads, which
takes the GIL to wake the event loop. If the interpreter starts finalizing meanwhile (the awaiting
``asyncio.run`` has just returned), that thread cannot get the GIL back, the interpreter ends it
while Rust frames are on its stack, and the whole process aborts (SIGABRT, exit 134) after doing
its work. obstore's synchronous API never calls into Python from its runtime's threads: it blocks
the calling thread with the GIL released. So every request runs the synchronous API in one of the
Python threads of this module's pool, which the interpreter joins before it finalizes.

Cancellation: cancelling the awaiting task withdraws a request that has not started; one already
running cannot be interrupted, so it runs to its end (bounded by the store's timeouts and retry
settings) and its answer is dropped. When the process exits, the interpreter waits for requests
still running.

A credential provider is called by obstore on the thread making the request, here a worker: an
asynchronous one is wrapped by :class:`LoopProvider` so that its coroutine runs on the event loop
of the task that made the request (which is free, waiting for the answer).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

__all__ = ("MAX_WORKERS", "LoopProvider", "run_in_worker")

T = TypeVar("T")

MAX_WORKERS = 128
"""Requests that run at once, over all stores (threads start only as needed); more wait their turn.
Twice ``read_outputs_many``'s default concurrency, so the pool never throttles it."""

_lock = threading.Lock()
_local = threading.local()  # ``loop``: the event loop of the task whose request a worker runs
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def _executor() -> ThreadPoolExecutor:
    """Return the pool, making a new one in a forked child (the parent's threads are not there)."""
    global _pool, _pool_pid  # noqa: PLW0603 - one pool per process, made on first use
    pool = _pool
    if pool is not None and _pool_pid == os.getpid():
        return pool
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(MAX_WORKERS, thread_name_prefix="kozmo-io-store")
            _pool_pid = os.getpid()
        return _pool


def _call(
    loop: asyncio.AbstractEventLoop, function: Callable[..., T], args: tuple[object, ...]
) -> T:
    """Run ``function`` in a worker, recording whose request it is (see :class:`LoopProvider`)."""
    _local.loop = loop
    try:
        return function(*args)
    finally:
        _local.loop = None


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable


class LoopProvider:
    """A credential provider that may be asynchronous, callable from the worker threads.

    A synchronous provider's answer passes through; an awaitable answer is awaited on the event
    loop of the task whose request the worker is running, the worker waiting for it.

    Args:
        provider: The user's provider (its ``config``, which obstore reads, is kept).
    """

    def __init__(self, provider: Callable[..., Any]) -> None:
        """Wrap ``provider``."""
        self._provider = provider
        config = getattr(provider, "config", None)
        if config is not None:
            self.config = config

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 - obstore's credential mapping
        """Return the provider's credentials, awaiting them if it is asynchronous."""
        result = self._provider(*args, **kwargs)
        if not inspect.isawaitable(result):
            return result
        loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
        if loop is None or loop.is_closed():
            close = getattr(result, "close", None)
            if close is not None:
                close()  # never awaited: closing it spares a warning
            msg = "an asynchronous credential provider needs the request's event loop"
            raise RuntimeError(msg)
        return asyncio.run_coroutine_threadsafe(_awaited(result), loop).result()


def _settle(waiter: asyncio.Future[T], job: Future[T]) -> None:
    """Pass the job's outcome to the waiting task (on the event loop's thread)."""
    if waiter.done():  # the task was cancelled meanwhile
        return
    error = job.exception()
    if error is not None:
        waiter.set_exception(error)
    else:
        waiter.set_result(job.result())


def _deliver(loop: asyncio.AbstractEventLoop, waiter: asyncio.Future[T], job: Future[T]) -> None:
    """Hand a finished job to its event loop (runs on the worker thread)."""
    if job.cancelled():
        return
    with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits for the answer
        loop.call_soon_threadsafe(_settle, waiter, job)


async def run_in_worker(function: Callable[..., T], /, *args: object) -> T:
    """Run ``function(*args)`` in a worker thread and wait for its result without blocking the loop.

    Args:
        function: A blocking function (here: calls of obstore's synchronous API).
        *args: Its arguments.

    Returns:
        What ``function`` returned.

    Raises:
        Exception: Whatever ``function`` raised.
    """
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[T] = loop.create_future()
    try:
        job = _executor().submit(_call, loop, function, args)
    except RuntimeError:
        # The interpreter is shutting down (e.g. an ``atexit`` handler): the pool takes no more
        # work, so the request runs here, blocking this thread, which is a Python one.
        return _call(loop, function, args)
    job.add_done_callback(partial(_deliver, loop, waiter))
    try:
        return await waiter
    except asyncio.CancelledError:
        job.cancel()  # withdraws it if it has not started; a running request runs to its end
        raise
