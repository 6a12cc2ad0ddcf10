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

Bulk work (:func:`map_in_workers`) skips the event loop between calls: a crew of jobs takes the
items from a buffer the loop fills, calls the blocking function on each one after another in its
thread and leaves the results for the loop, which it wakes only when the loop waits for them. A
thread never sleeps between two items, and the loop settles results in batches, so one call costs
about what it costs in a plain thread.
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
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from kozmo_io.storage._arguments import positive_limit

__all__ = ("MAX_WORKERS", "LoopProvider", "map_in_workers", "run_in_worker")

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 128
"""Requests that run at once, over all stores (threads start only as needed); more wait their turn.
Twice ``read_outputs_many``'s default concurrency, so the pool never throttles it."""

# ``loop``: the event loop of the task whose request a worker runs; ``in_pool``: a pool worker.
_local = threading.local()


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

    def requeue(self, job: list[Any]) -> bool:
        """Queue ``job`` from a worker whose own job ends next: no thread is claimed or started.

        That worker takes a job from the queue right after (counted idle when its job returns),
        so ``job`` waits behind those already queued and no more.

        Returns:
            ``False`` when the pool takes no more work (the interpreter exits), or when not called
            from one of its workers.
        """
        if not getattr(_local, "in_pool", False):
            return False  # not a worker of this pool: nobody would take the job in its stead
        with self.lock:
            if self.closed:
                return False
            self.idle -= 1
        self.jobs.put(job)
        return True

    def work(self) -> None:
        """A worker: run jobs until told to stop."""
        _local.in_pool = True
        jobs = self.jobs
        while (job := jobs.get()) is not None:
            function, args, loop, waiter, inbox = job
            if function is not None:  # ``None``: withdrawn before it started
                _local.loop = loop
                result = None
                error: BaseException | None = None
                try:
                    result = function(*args)
                except StopIteration as exc:
                    # An asyncio future refuses StopIteration, as a coroutine turns it into this.
                    error = RuntimeError(f"{function!r} raised StopIteration")
                    error.__cause__ = exc
                except BaseException as exc:  # noqa: BLE001 - raised in the awaiting task
                    error = exc
                finally:
                    _local.loop = None
                # ``None``: a crew's job, which hands its results over itself and never raises.
                if inbox is not None:
                    inbox.post(waiter, result, error)
                result = error = None
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


# An async source is read this many items ahead at least (more than a listing page holds), so a
# listing fetches its next page while the items of the current one are worked on.
_ASYNC_READ_AHEAD = 2048

# Items a member works on before letting the jobs waiting for a thread go first.
_TURN = 16

# How long the loop waits before looking for answers again while they keep coming.
_PAUSE_SECONDS = 0.002


class _Crew(Generic[T, R]):
    """The jobs of one :func:`map_in_workers` call, the items they take and the results they leave.

    Every field but ``waiter``'s future itself is shared with the worker threads, under ``lock``.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop, function: Callable[[T], R], size: int
    ) -> None:
        self.loop = loop
        self.function = function
        self.size = size
        self.lock = threading.Lock()
        self.pending: collections.deque[T] = collections.deque()
        # (True, result) or (False, the exception the call raised), in completion order.
        self.done: collections.deque[tuple[bool, Any]] = collections.deque()
        self.members = 0  # jobs handed to the pool that have not ended
        self.waiter: asyncio.Future[None] | None = None  # set while the loop waits for the crew
        self.enough = 1  # answers that wake the waiting loop
        self.closed = False

    def run(self) -> None:
        """One member (a pool job): call the function on items until none is left or wanted.

        After ``_TURN`` items the member queues its next turn behind the jobs waiting for a thread
        and hands its own back, so a long map never keeps other requests from the pool.
        """
        function = self.function
        while True:
            for _ in range(_TURN):
                if (item := self._take()) is _END:
                    return
                try:
                    answer: tuple[bool, Any] = (True, function(item))  # type: ignore[arg-type]
                except BaseException as exc:  # noqa: BLE001 - raised in the consuming task
                    answer = (False, exc)
                del item
                self._leave(answer)
                del answer
            if _pool.requeue([self.run, (), self.loop, None, None]):
                return
            # The interpreter is exiting: no other job will be queued, so carry on here.

    def _take(self) -> object:
        """The next item, or ``_END`` (the member ends) when none is left or wanted."""
        with self.lock:
            if self.pending and not self.closed and len(self.done) < self.size:
                return self.pending.popleft()
            # Out of items, or the consumer is behind: end, and let the loop know, which hands
            # out more items (or starts members again) when it can.
            self.members -= 1
            waiter, self.waiter = self.waiter, None
        if waiter is not None:
            self.wake(waiter)
        return _END

    def _leave(self, answer: tuple[bool, Any]) -> None:
        """Hand one answer over (dropped when the consumer has left)."""
        with self.lock:
            if self.closed:
                return
            self.done.append(answer)
            if len(self.done) < self.enough:
                return
            waiter, self.waiter = self.waiter, None
        if waiter is not None:
            self.wake(waiter)

    def hand_out(self) -> tuple[int, collections.deque[tuple[bool, Any]]]:
        """Count the members to start (and count them in) and take the answers (loop's thread)."""
        with self.lock:
            starting = max(0, min(self.size - self.members, len(self.pending)))
            self.members += starting
            answers, self.done = self.done, collections.deque()
        return starting, answers

    def wait_for(self, waiter: asyncio.Future[None], *, enough: int, finished: bool) -> bool | None:
        """Decide, under the lock, whether the loop waits on ``waiter``.

        Args:
            waiter: What the loop would wait on.
            enough: How many answers wake it (a member that ends wakes it too).
            finished: Whether the items have all been handed to the crew.

        Returns:
            ``True``: wait (``waiter`` is set); ``False``: go on at once; ``None``: all is done.
        """
        with self.lock:
            if (
                len(self.done) >= enough
                or (self.done and not self.members)  # the last answers: no more will come
                or (self.pending and self.members < self.size)  # members to start
            ):
                return False
            if finished and not self.members and not self.pending:
                return None
            self.waiter = waiter
            self.enough = enough
            return True

    def stop_waiting(self, waiter: asyncio.Future[None]) -> None:
        """Forget ``waiter`` once the loop is awake, so no worker wakes it again for nothing."""
        with self.lock:
            if self.waiter is waiter:
                self.waiter = None

    def close(self) -> None:
        """The consumer has left: start nothing more and drop what arrives."""
        with self.lock:
            self.closed = True
            self.pending.clear()
            self.done.clear()
            self.waiter = None

    def wake(self, waiter: asyncio.Future[None]) -> None:
        """Wake the loop waiting on ``waiter`` (from any thread)."""
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits for it
            self.loop.call_soon_threadsafe(_release, waiter)

    def poke(self) -> None:
        """Wake the loop if it waits (on the loop's own thread)."""
        with self.lock:
            waiter, self.waiter = self.waiter, None
        if waiter is not None:
            _release(waiter)


def _release(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


_END = object()


class _Source(Generic[T]):
    """Moves the items of the caller's iterable into the crew's buffer, on the loop's thread."""

    def __init__(self, items: Iterable[T] | AsyncIterable[T], crew: _Crew[T, Any]) -> None:
        self.crew = crew
        self.finished = False
        self.error: Exception | None = None
        self.iterator: Iterator[T] | None = None
        self.task: asyncio.Future[None] | None = None
        self.room = asyncio.Event()
        if isinstance(items, AsyncIterable):
            self.target = max(2 * crew.size, _ASYNC_READ_AHEAD)
            self.task = asyncio.ensure_future(self._read(items))
        else:
            # Twice the crew: a member finds its next item while the loop is busy elsewhere.
            self.target = 2 * crew.size
            self.iterator = iter(items)

    def fill(self) -> None:
        """Top the buffer up (a plain iterable) or let the reading task go on (an async one)."""
        crew = self.crew
        if self.iterator is None:
            if len(crew.pending) < self.target:
                self.room.set()
            return
        if self.finished:
            return
        wanted = self.target - len(crew.pending)
        if wanted <= 0:
            return
        taken = []
        for _ in range(wanted):
            item = next(self.iterator, _END)  # the caller's generator raises through here
            if item is _END:
                self.finished = True
                break
            taken.append(item)
        with crew.lock:
            crew.pending.extend(taken)  # type: ignore[arg-type]

    async def _read(self, items: AsyncIterable[T]) -> None:
        crew = self.crew
        try:
            async for item in items:
                while len(crew.pending) >= self.target:
                    self.room.clear()
                    await self.room.wait()
                with crew.lock:
                    crew.pending.append(item)
                crew.poke()
        except Exception as exc:  # noqa: BLE001 - raised by the consumer
            self.error = exc
        finally:
            self.finished = True
            crew.poke()

    async def stop(self) -> None:
        """Stop reading an async source."""
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


async def map_in_workers(
    function: Callable[[T], R],
    items: Iterable[T] | AsyncIterable[T],
    /,
    *,
    concurrency: int,
) -> AsyncGenerator[R, None]:
    """Call a blocking ``function`` on every item in the store worker threads; yield each result.

    Results come in completion order, as soon as the loop is free to take them. At most
    ``concurrency`` calls run at once and at most ``concurrency`` results wait for the consumer
    (then the calls pause); items are taken lazily, a plain iterable on the loop's thread up to
    ``2 * concurrency`` ahead of the calls, an async one up to 2,048 ahead (or ``2 *
    concurrency``). A thread goes straight from one item to the next, and results are handed to the
    loop in batches, so a call costs about what it costs in a thread of one's own.

    The threads are those of the obstore-backed stores, so a process exits cleanly with calls still
    running (the interpreter waits for them), and a thread goes back to the pool after 16 items,
    so a long map never keeps the stores' other requests waiting. When the process is already
    exiting, the calls run on the caller's thread.

    Args:
        function: A blocking function of one item, e.g. one calling
            :meth:`~kozmo_io.storage.BlockingReads.get_blocking`. It must not raise
            ``KeyboardInterrupt``-style exceptions for control flow: whatever it raises is raised
            from the generator.
        items: The items, as an iterable or async iterable.
        concurrency: The largest number of calls at once (a positive integer).

    Returns:
        An async generator of results (close it, e.g. with ``contextlib.aclosing``, to stop
        early: no new call starts, calls running finish in their threads and their results are
        dropped; cancelling the consumer does the same).

    Raises:
        InvalidArgumentError: ``concurrency`` is not a positive integer (when iteration starts).
        Exception: The first exception a call raised, or the one the items raised; no new call
            starts after it.
    """
    size = positive_limit(concurrency, "concurrency")
    loop = asyncio.get_running_loop()
    crew: _Crew[T, R] = _Crew(loop, function, size)
    source = _Source(items, crew)
    try:
        while True:
            source.fill()
            starting, answers = crew.hand_out()
            for _ in range(starting):
                if not _pool.submit([crew.run, (), loop, None, None]):
                    crew.run()  # the interpreter is exiting: work here, on the caller's thread
            busy = bool(answers)
            while answers:
                ok, value = answers.popleft()
                if not ok:
                    raise value
                yield value
                del value
            if source.error is not None:
                raise source.error
            # While answers keep coming, a worker wakes the loop only once half a crew's worth
            # has arrived, and the loop looks anyway after a short pause: a wake-up for each
            # answer would cost the worker a system call made without the GIL and the loop a
            # thread switch. After a look that found nothing, the next answer wakes the loop.
            waiter = loop.create_future()
            enough = max(1, size // 2) if busy else 1
            wait = crew.wait_for(waiter, enough=enough, finished=source.finished)
            if wait is None:
                return
            if wait:
                timer = loop.call_later(_PAUSE_SECONDS, _release, waiter) if busy else None
                try:
                    await waiter
                finally:
                    if timer is not None:
                        timer.cancel()
                    crew.stop_waiting(waiter)
    finally:
        crew.close()
        await source.stop()
