"""The three fault scenarios. Each makes its own ward and establishment in the private
database, breaks one server, and returns its figures and the requirements it checked.

Imported after ``django.setup()`` (see ``faults.__main__``).
"""

from __future__ import annotations

import email
import email.policy
import itertools
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from guests.models import Declaration
from wards import tasks
from wards.models import Flag, FlagKind, Notification, NotificationChannel

from . import cast
from .desk import Attempt, Desk
from .stack import PrivateStack, say, wait_until


def spelled(number: str) -> str:
    """A unique guest name for each attempt, in letters: the desk refuses digits in a name."""
    return number.translate(str.maketrans("0123456789", "ABCDEFGHIJ"))


@dataclass
class Outcome:
    name: str
    figures: dict[str, object] = field(default_factory=dict)
    checks: list[tuple[str, bool]] = field(default_factory=list)

    def check(self, what: str, ok: bool) -> None:
        self.checks.append((what, bool(ok)))
        say(f"  {'PASS' if ok else 'FAIL'}  {what}")

    def figure(self, name: str, value: object) -> None:
        self.figures[name] = value
        say(f"  {name}: {value}")

    @property
    def ok(self) -> bool:
        return all(ok for _what, ok in self.checks)


def logged_in_desks(stack: PrivateStack, site: cast.Site) -> list[Desk]:
    desks = []
    for receptionist in site.receptionists:
        desk = Desk(stack.base_url)
        desk.login(receptionist.username, cast.PASSWORD, receptionist.token)
        desks.append(desk)
    return desks


def read_mail(directory: Path) -> list[tuple[str, str, str]]:
    """(to, subject, body) of every e-mail the file backend wrote."""
    separator = b"\n" + b"-" * 79 + b"\n"
    found = []
    for path in sorted(directory.glob("*.log")):
        for chunk in path.read_bytes().split(separator):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default)
            body = message.get_body(preferencelist=("plain",))
            found.append(
                (
                    str(message["To"]),
                    str(message["Subject"]),
                    body.get_content() if body else "",
                )
            )
    return found


# --- 1. Redis stops during filing ----------------------------------------------------------------


def redis_outage(
    stack: PrivateStack,
    *,
    filings: int = 100,
    threads: int = 4,
    stop_after: int = 20,
    down_at_least: float = 65,
) -> Outcome:
    """Redis is stopped after the first ``stop_after`` of ``filings`` check-ins filed over
    HTTP by ``threads`` receptionists, and started again (empty: no persistence) once all are
    done and ``down_at_least`` seconds have passed: long enough for one of beat's
    once-a-minute ticks to fall into the outage. One filing in four is late: each raises a
    LATE flag whose e-mails (owner, officer) go through the outbox."""
    out = Outcome("redis")
    say("scenario redis: Redis stops while 100 check-ins are filed")
    site = cast.make_site("redis", code=9001, receptionists=threads, with_email=True)
    desks = logged_in_desks(stack, site)
    todo: queue.Queue[int] = queue.Queue()
    for i in range(filings):
        todo.put(i)
    attempts: list[Attempt] = []
    lock = threading.Lock()

    def work(desk: Desk) -> None:
        while True:
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            attempt = desk.file_foreigner(
                name=f"Redis Guest {spelled(f'{i:03d}')}",
                room=f"R{i:03d}",
                passport=f"R{i:08d}",
                late=i % 4 == 1,
            )
            with lock:
                attempts.append(attempt)

    workers = [threading.Thread(target=work, args=(desk,)) for desk in desks]
    for worker in workers:
        worker.start()
    wait_until(
        lambda: len(attempts) >= stop_after, timeout=120, what="first filings", interval=0.01
    )
    stack.redis.stop()
    down_at = time.monotonic()
    say(f"  Redis stopped after {len(attempts)} filings")
    for worker in workers:
        worker.join()
    down_until = time.monotonic()
    say(f"  all filed {down_until - down_at:.1f} s into the outage")
    time.sleep(max(0.0, down_at + down_at_least - time.monotonic()))
    stack.redis.start()
    up_at = time.monotonic()
    say(f"  Redis started again after {up_at - down_at:.1f} s down")

    during = [a for a in attempts if a.started >= down_at and a.ended <= down_until]
    late = sum(1 for a in attempts if a.late and a.confirmed)
    people = len(site.emails)
    out.figure("filings attempted", len(attempts))
    out.figure("filings confirmed", sum(a.confirmed for a in attempts))
    out.figure("filings while Redis was down", len(during))
    out.figure("5xx responses (all)", sum(a.server_error for a in attempts))
    out.figure("5xx responses while Redis was down", sum(a.server_error for a in during))
    out.figure("no HTTP answer", sum(a.status is None for a in attempts))
    if during:
        slowest = max(a.ended - a.started for a in during)
        out.figure("slowest filing while Redis was down (s)", round(slowest, 2))

    # What the outage held back: the e-mails of the late filings made while it lasted.
    cast.reconnect()
    out.figure("e-mails unsent when Redis came back", cast.unsent_emails(site))
    expected_emails = late * people
    sent = []

    def all_sent() -> bool:
        sent[:] = [m for m in read_mail(stack.mail_dir) if m[0] in site.emails]
        return cast.unsent_emails(site) == 0 and len(sent) >= expected_emails

    try:
        waited = wait_until(all_sent, timeout=150, what="the e-mails", interval=0.5)
        out.figure("seconds from Redis back to every e-mail sent", round(waited, 1))
    except TimeoutError as e:
        out.figure("e-mails", str(e))
    # Long enough for beat's next send-pending-notifications and any redelivery: nothing more
    # may arrive.
    time.sleep(5)
    sent = [m for m in read_mail(stack.mail_dir) if m[0] in site.emails]

    rows = cast.declarations(site)
    late_flags = cast.flags(site, FlagKind.LATE)
    email_rows = cast.notifications(site, NotificationChannel.EMAIL)
    in_app_rows = cast.notifications(site, NotificationChannel.IN_APP)
    out.figure("declaration rows", rows)
    out.figure("late filings confirmed", late)
    out.figure("LATE flags", late_flags)
    out.figure("notification rows (in the portal / e-mail)", f"{in_app_rows} / {email_rows}")
    out.figure("e-mails sent (files written)", len(sent))
    out.figure("distinct e-mails", len(set(sent)))

    out.figure(
        "worker and beat running after the outage", (stack.worker.alive(), stack.beat.alive())
    )
    out.check(
        "the worker and beat survived the outage", stack.worker.alive() and stack.beat.alive()
    )
    out.check(f"exactly {filings} declaration rows", rows == filings)
    out.check("every filing confirmed to the receptionist", all(a.confirmed for a in attempts))
    out.check("no 5xx and no dropped request", all(a.status and a.status < 500 for a in attempts))
    out.check(f"one LATE flag per late filing ({late})", late_flags == late)
    out.check(
        "one notification per flag, recipient and channel",
        in_app_rows == email_rows == late * people,
    )
    out.check(
        f"every e-mail sent exactly once ({expected_emails})",
        len(sent) == len(set(sent)) == expected_emails and cast.unsent_emails(site) == 0,
    )
    return out


# --- 2. the worker SIGKILLed mid-sweep --------------------------------------------------------


def worker_killed(stack: PrivateStack, *, stays: int = 20000) -> Outcome:
    """``stays`` guests become overdue at once; the overdue sweep is sent to the worker, which
    is SIGKILLed (with its pool) once the sweep has committed its first batches. A new worker
    then gets the sweep that beat's next tick sends (twice at once: two pool processes
    sweep side by side)."""
    out = Outcome("worker")
    say(f"scenario worker: the worker is SIGKILLed in the middle of a sweep of {stays} stays")
    site = cast.make_site("worker", code=9002, receptionists=1, with_email=False)
    made = cast.overdue_stays(site, stays, due_at=timezone.now() + timedelta(days=1))
    out.figure("overdue stays", made)
    # Due from now: made not yet due, so that no beat tick sweeps them while they are written.
    mine = Declaration.objects.filter(establishment=site.establishment)
    mine.update(overdue_check_at=timezone.now() - timedelta(minutes=1))

    def flagged() -> int:
        return cast.flags(site, FlagKind.OVERDUE)

    started = time.monotonic()
    tasks.sweep_overdue.delay()
    wait_until(lambda: flagged() > 0, timeout=120, what="the sweep's first batch", interval=0.02)
    # A few batches in, so that the kill lands between and inside batches, not before them.
    time.sleep(0.5)
    assert stack.worker is not None
    at_kill = flagged()
    stack.worker.kill()
    killed_at = time.monotonic()
    say(f"  worker SIGKILLed {killed_at - started:.1f} s into the sweep, {at_kill} flags in")
    time.sleep(1)  # PostgreSQL rolls back the dead worker's batch once it sees the socket close
    after_kill = flagged()
    still_due = mine.filter(overdue_check_at__isnull=False).count()
    out.figure("flags when killed", at_kill)
    out.figure("flags committed by the killed worker", after_kill)
    out.figure("stays still due after the kill", still_due)
    rolled_back = "unexpected EOF on client connection with an open transaction" in (
        stack.postgres.log.read_text(errors="replace")
    )
    out.figure("a batch was open when the worker died (rolled back by PostgreSQL)", rolled_back)
    out.check("the kill landed mid-sweep", 0 < after_kill < made and still_due > 0)

    stack.start_worker(concurrency=2)
    stack.worker_ready()
    # Beat's next flag-overdue-stays tick (every 300 s), sent now rather than waited for; and
    # a second one at the same moment, as if two beats or a retry overlapped.
    tasks.sweep_overdue.delay()
    tasks.sweep_overdue.delay()
    try:
        waited = wait_until(
            lambda: not mine.filter(overdue_check_at__isnull=False).exists(),
            timeout=150,
            what="the rest of the sweep",
            interval=0.5,
        )
        out.figure("seconds for the new worker to finish", round(waited, 1))
    except TimeoutError as e:
        out.figure("new worker", str(e))
    time.sleep(2)  # the second sweep finds nothing; let it finish before counting

    per_stay = Counter(
        Flag.objects.filter(establishment=site.establishment, kind=FlagKind.OVERDUE).values_list(
            "declaration_id", flat=True
        )
    )
    duplicates = sum(1 for n in per_stay.values() if n > 1)
    notes = (
        Notification.objects.filter(flag__establishment=site.establishment)
        .values("flag", "recipient", "channel")
        .annotate(n=Count("id"))
    )
    duplicate_notes = sum(1 for row in notes if row["n"] > 1)
    total_notes = Notification.objects.filter(flag__establishment=site.establishment).count()
    out.figure("OVERDUE flags", sum(per_stay.values()))
    out.figure("stays flagged", len(per_stay))
    out.figure("stays flagged twice", duplicates)
    out.figure("notification rows", total_notes)
    out.check("every due stay flagged", len(per_stay) == made)
    out.check("no stay flagged twice", duplicates == 0 and sum(per_stay.values()) == made)
    out.check(
        "one notification per flag and recipient (owner, officer)",
        duplicate_notes == 0 and total_notes == 2 * made,
    )
    return out


# --- 3. PostgreSQL restarts under load -------------------------------------------------------


def postgres_restart(
    stack: PrivateStack,
    *,
    threads: int = 4,
    before: float = 8,
    down: float = 5,
    after: float = 20,
    mode: str = "fast",
) -> Outcome:
    """``threads`` receptionists file continuously; PostgreSQL is stopped (``pg_ctl stop -m
    fast``) and started again. Every filing has a unique name; the ones the server confirmed
    must be in the database exactly once."""
    out = Outcome("postgres")
    say("scenario postgres: PostgreSQL stops and starts while check-ins are filed")
    site = cast.make_site("postgres", code=9003, receptionists=threads, with_email=False)
    desks = logged_in_desks(stack, site)
    stop = threading.Event()
    attempts: list[Attempt] = []
    lock = threading.Lock()

    def work(n: int, desk: Desk) -> None:
        for seq in itertools.count():
            if stop.is_set():
                return
            attempt = desk.file_foreigner(
                name=f"Postgres Guest {spelled(f'{n}-{seq:05d}')}",
                room=f"P{n}-{seq:05d}",
                passport=f"P{n}{seq:07d}",
            )
            with lock:
                attempts.append(attempt)
            if not attempt.confirmed:
                time.sleep(0.2)

    workers = [threading.Thread(target=work, args=(n, d)) for n, d in enumerate(desks)]
    for worker in workers:
        worker.start()
    time.sleep(before)
    cast.reconnect()
    stop_at = time.monotonic()
    stack.postgres.stop(mode)
    say(f"  PostgreSQL stopped ({mode}) after {len(attempts)} filings")
    time.sleep(down)
    stack.postgres.start()
    up_at = time.monotonic()
    say(f"  PostgreSQL up again after {up_at - stop_at:.1f} s")
    time.sleep(after)
    stop.set()
    for worker in workers:
        worker.join()

    cast.reconnect()
    confirmed = [a for a in attempts if a.confirmed]
    after_up = [a for a in attempts if a.ended > up_at]
    first_ok = min((a.ended for a in after_up if a.confirmed), default=None)
    recovery = None if first_ok is None else first_ok - up_at
    # Each receptionist's own first success: every gunicorn worker had a dead connection.
    per_desk = []
    for n in range(threads):
        prefix = f"Postgres Guest {n}-"
        mine = [a.ended for a in after_up if a.confirmed and a.name.startswith(prefix)]
        per_desk.append(round(min(mine) - up_at, 2) if mine else None)
    failures_after_recovery = [
        a for a in after_up if first_ok is not None and a.started > first_ok and not a.confirmed
    ]
    in_db = Counter(
        Declaration.objects.filter(establishment=site.establishment).values_list(
            "full_name", flat=True
        )
    )
    missing = [a.name for a in confirmed if in_db[a.name] == 0]
    twice = [name for name, n in in_db.items() if n > 1]
    unconfirmed_in_db = sum(1 for a in attempts if not a.confirmed and in_db[a.name])

    out.figure("filings attempted", len(attempts))
    out.figure("filings confirmed", len(confirmed))
    out.figure("5xx responses", sum(a.server_error for a in attempts))
    out.figure("no HTTP answer", sum(a.status is None for a in attempts))
    out.figure("seconds PostgreSQL was down", round(up_at - stop_at, 1))
    out.figure(
        "seconds from PostgreSQL up to the first confirmed filing",
        None if recovery is None else round(recovery, 2),
    )
    out.figure("each desk's first confirmed filing after PostgreSQL was up (s)", per_desk)
    out.figure("failed filings after the first success", len(failures_after_recovery))
    out.figure("declaration rows", sum(in_db.values()))
    out.figure(
        "302 whose success page did not load",
        sum(1 for a in attempts if a.status == 302 and not a.confirmed),
    )
    out.figure("unconfirmed filings found in the database", unconfirmed_in_db)
    out.check("the web recovered within 10 s", recovery is not None and recovery <= 10)
    out.check("every desk filed again after the restart", all(t is not None for t in per_desk))
    out.check(f"every confirmed filing in the database ({len(missing)} missing)", not missing)
    out.check("no filing in the database twice", not twice)
    out.check("worker and beat still running", stack.worker.alive() and stack.beat.alive())
    return out


SCENARIOS = {
    "redis": redis_outage,
    "worker": worker_killed,
    "postgres": postgres_restart,
}
