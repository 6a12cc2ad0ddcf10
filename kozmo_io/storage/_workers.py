"""The threads that run the obstore-backed stores' requests (obstore's synchronous API).

obstore's asynchronous API hands each result back from one of its runtime's Rust threads, which
takes the GIL to wake the event loop. If the interpreter starts finalizing meanwhile (the awaiting
``asyncio.run`` has just returned), that thread cannot get the GIL back, the interpreter ends it
while Rust frames are on its stack, and the whole process aborts (SIGABRT, exit 134) after doing
its work. obstore's synchronous API never calls into Python from its runtime's threads: it blocks
the calling thread with the GIL released. So every request runs the synchronous API in one of the
Python threads of this module's pool, which are stopped and joined by an ``atexit`` hook, before
the interpreter finalizes; a request made after that (from a later ``atexit`` handler) runs on the
calling thread.

The hand-over is kept cheap, as a store makes one per request: a job is put on a queue that idle
workers wait on (no future, no condition variable), and the answers for one event loop are handed
back in batches: a worker only wakes the loop when no wake-up is pending, and the loop settles
every answer that arrived meanwhile in one go.

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
import atexit
import collections
import contextlib
import inspect
import os
import queue
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

__all__ = ("MAX_WORKERS", "LoopProvider", "run_in_worker")

T = TypeVar("T")

MAX_WORKERS = 128
"""Requests that run at once, over all stores (threads start only as needed); more wait their turn.
Twice ``read_outputs_many``'s default concurrency, so the pool never throttles it."""

_local = threading.local()  # ``loop``: the event loop of the task whose request a worker runs


class _Inbox:
    """The answers for one event loop, settled on its thread in batches."""

    __slots__ = ("_answers", "_signalled", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        # A weak reference: the inboxes are kept per loop, and must not keep a closed loop alive.
        self.loop = weakref.ref(loop)
        self._answers: collections.deque[tuple[asyncio.Future[Any], Any, BaseException | None]]
        self._answers = collections.deque()
        self._signalled = False

    def post(
        self, waiter: asyncio.Future[Any], result: object, error: BaseException | None
    ) -> None:
        """Hand one answer over (runs on a worker thread)."""
        self._answers.append((waiter, result, error))
        # The answer is queued before the flag is read: a settle that has already cleared the flag
        # is answered by a new wake-up, one that has not yet cleared it still finds the answer.
        if self._signalled:
            return
        self._signalled = True
        loop = self.loop()
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits for it
                loop.call_soon_threadsafe(self._settle)

    def _settle(self) -> None:
        """Pass every answer that arrived to its waiting task (on the loop's thread)."""
        self._signalled = False
        answers = self._answers
        while answers:
            waiter, result, error = answers.popleft()
            if waiter.done():  # the task was cancelled meanwhile
                continue
            if error is None:
                waiter.set_result(result)
            else:
                waiter.set_exception(error)


# A job is a list, cheaper to make than an object: [function, args, loop, waiter, inbox]; its
# function is set to None to withdraw it.
_FUNCTION = 0


def _open(loop: asyncio.AbstractEventLoop | None) -> bool:
    return loop is not None and not loop.is_closed()


class _Pool:
    """Worker threads taking jobs from one queue, started as needed up to ``MAX_WORKERS``."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: queue.SimpleQueue[list[Any] | None] = queue.SimpleQueue()
        self.threads: list[threading.Thread] = []
        # Workers free for a job no one has claimed yet: a job claims one, or starts a thread.
        self.idle = 0
        self.closed = False
        # id(loop) -> its inbox; an id is reused once its loop is gone, so an inbox is only taken
        # when it is still that loop's, and those of closed loops go when a new one is made.
        self.inboxes: dict[int, _Inbox] = {}

    def inbox(self, loop: asyncio.AbstractEventLoop) -> _Inbox:
        """The inbox of ``loop`` (runs on its thread)."""
        found = self.inboxes.get(id(loop))
        if found is None or found.loop() is not loop:
            found = _Inbox(loop)
            self.inboxes = {
                key: inbox for key, inbox in self.inboxes.items() if _open(inbox.loop())
            }
            self.inboxes[id(loop)] = found
        return found

    def submit(self, job: list[Any]) -> bool:
        """Queue ``job``; ``False`` when the pool takes no more work (the interpreter exits)."""
        with self.lock:
            if self.closed:
                return False
            if self.idle:
                self.idle -= 1
            elif len(self.threads) < MAX_WORKERS:
                # A daemon thread: the interpreter does not wait for it; the ``atexit`` hook stops
                # and joins it, before finalizing, while its requests can still end.
                thread = threading.Thread(
                    target=self.work, name=f"kozmo-io-store_{len(self.threads)}", daemon=True
                )
                try:
                    thread.start()
                except RuntimeError:  # no thread starts while the interpreter is exiting
                    return False
                if not self.threads:
                    atexit.register(self.stop)
                self.threads.append(thread)
        self.jobs.put(job)
        return True

    def work(self) -> None:
        """A worker: run jobs until told to stop."""
        jobs = self.jobs
        while (job := jobs.get()) is not None:
            function, args, loop, waiter, inbox = job
            if function is not None:  # ``None``: withdrawn before it started
                _local.loop = loop
                try:
                    result = function(*args)
                except StopIteration as exc:
                    # An asyncio future refuses StopIteration, as a coroutine turns it into this.
                    error = RuntimeError(f"{function!r} raised StopIteration")
                    error.__cause__ = exc
                    inbox.post(waiter, None, error)
                except BaseException as exc:  # noqa: BLE001 - raised in the awaiting task
                    inbox.post(waiter, None, exc)
                else:
                    inbox.post(waiter, result, None)
                finally:
                    _local.loop = None
                    result = None
            # The answer is the waiter's now: hold on to nothing while idle.
            del job, function, args, loop, waiter, inbox
            with self.lock:
                self.idle += 1

    def stop(self) -> None:
        """Stop taking jobs, let the workers finish the ones queued, and wait for them."""
        with self.lock:
            self.closed = True
            threads = list(self.threads)
        for _ in threads:
            self.jobs.put(None)
        for thread in threads:
            if thread.is_alive() and thread is not threading.current_thread():
                thread.join()


_pool = _Pool()


def _after_fork() -> None:
    """A forked child has none of its parent's threads: it starts a pool of its own."""
    global _pool  # noqa: PLW0603 - one pool per process
    with contextlib.suppress(Exception):
        atexit.unregister(_pool.stop)
    _pool = _Pool()


os.register_at_fork(after_in_child=_after_fork)


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
    pool = _pool
    waiter: asyncio.Future[T] = loop.create_future()
    job: list[Any] = [function, args, loop, waiter, pool.inbox(loop)]
    if not pool.submit(job):
        # The interpreter is exiting (e.g. an ``atexit`` handler): the pool takes no more work,
        # so the request runs here, blocking this thread, which is a Python one.
        _local.loop = loop
        try:
            return function(*args)
        finally:
            _local.loop = None
    try:
        return await waiter
    except asyncio.CancelledError:
        # Withdrawn if it has not started; a running request runs to its end.
        job[_FUNCTION] = None
        raise
