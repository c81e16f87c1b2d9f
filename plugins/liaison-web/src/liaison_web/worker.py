"""The serve's worker thread (one per serving process): the webhooks' outbox
(:func:`liaison_web.webhooks.deliver_pending`) and the publication jobs
(:func:`liaison_web.jobs.perform_pending`) performed as they fall due, and the due lists compared with
the day every :data:`liaison_web.due.SWEEP_SECONDS` (:func:`liaison_web.due.sweep`). Its own module, as the jobs
use the webhooks' wake-up and retry policy: neither of them imports the other's worker."""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections

from liaison_web.due import SWEEP_SECONDS, sweep
from liaison_web.jobs import perform_pending
from liaison_web.webhooks import WAKE, Policy, deliver_pending

__all__ = ["Worker"]

log = logging.getLogger("liaison_web.webhooks")


class Worker(threading.Thread):
    """The serve's sender: a pass now, then whenever a change queues a delivery, a retry falls due,
    or ``interval`` seconds have passed (a delivery queued by another process); each pass performs
    the publication jobs that are due too (:mod:`liaison_web.jobs`). A failure of a pass
    (the database away) is logged and tried again next time."""

    def __init__(self, *, using: str = "default", interval: float = 5.0, policy: Policy | None = None) -> None:
        super().__init__(name="liaison-webhooks", daemon=True)
        self.using, self.interval, self.policy = using, interval, policy
        self.stopping = threading.Event()

    def run(self) -> None:
        swept = -SWEEP_SECONDS  # the first pass compares the due lists with the day at once
        while not self.stopping.is_set():
            WAKE.clear()
            wait = self.interval
            if time.monotonic() - swept >= SWEEP_SECONDS:  # a day passing opens to-do items (due.opened)
                swept = time.monotonic()
                try:
                    sweep(using=self.using)
                except Exception:
                    log.exception("comparing the due lists with the day failed; trying again in %s s", SWEEP_SECONDS)
            for work, what in ((deliver_pending, "webhook sender's"), (perform_pending, "publication jobs'")):
                try:
                    report = work(policy=self.policy, using=self.using)
                    if report.next_in is not None:
                        wait = max(0.05, min(wait, report.next_in))
                except Exception:  # the worker outlives a failure of one pass (the database restarting)
                    log.exception("the %s pass failed; trying again in %s s", what, wait)
            close_old_connections()
            WAKE.wait(wait)

    def stop(self) -> None:
        self.stopping.set()
        WAKE.set()
