"""A worker loop on a daemon thread of the app process (the embedded default for the
search index and the notifications): woken after a commit, and waitable for one round."""

from __future__ import annotations

import threading
from collections.abc import Callable


class InProcessLoop:
    """Runs ``target(stop_event, poll_interval, *args, wake_event=, on_round=, **kwargs)``
    on a daemon thread. ``wake()`` after a commit that wrote outbox rows makes it run at
    once instead of at the next poll; ``sync()`` waits for a round that started after it."""

    def __init__(
        self,
        name: str,
        target: Callable[..., None],
        poll_interval: float,
        args: tuple = (),
        kwargs: dict | None = None,
    ) -> None:
        self.poll_interval = poll_interval
        self.stop_event = threading.Event()
        self.wake_event = threading.Event()
        self._rounds = threading.Condition()
        self._started = 0
        self._finished = 0
        self._current = 0
        self.thread = threading.Thread(
            target=target,
            name=name,
            args=(self.stop_event, poll_interval, *args),
            kwargs={
                **(kwargs or {}),
                "wake_event": self.wake_event,
                "on_round": self._on_round,
            },
            daemon=True,
        )

    def _on_round(self, phase: str) -> None:
        with self._rounds:
            if phase == "start":
                self._started += 1
                self._current = self._started
            else:
                self._finished = self._current
                self._rounds.notify_all()

    def sync(self, timeout: float = 10.0) -> bool:
        """Wake the loop and wait until a round that started after this call ended: then
        everything committed before the call has been handled."""
        with self._rounds:
            target = self._started + 1
            self.wake()
            return self._rounds.wait_for(lambda: self._finished >= target, timeout)

    def start(self):
        self.thread.start()
        return self

    def wake(self) -> None:
        self.wake_event.set()

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self.wake_event.set()
        self.thread.join(timeout)
