"""Notifications about flags: an outbox in PostgreSQL, sent afterwards by a task.

``notify_new_flags`` writes one row per recipient and channel in the caller's transaction (the one
that inserted the flags), so a flag never exists without its notifications nor the reverse.
``send_pending`` sends the e-mail rows; it is enqueued after commit and also run by beat, so a
Redis outage at commit time only delays the e-mails.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from luutru.models import User

from .. import recipients
from ..models import Flag, FlagKind, Notification, NotificationChannel

logger = logging.getLogger(__name__)

# An address that failed this many times is left alone; the in-app row still tells the user.
MAX_ATTEMPTS = 5
SEND_LIMIT = 200


# Placeholders filled in by PostgreSQL; the establishment's name goes in last, so that a name
# containing a placeholder cannot be expanded.
_TOKENS = {
    "kind": "{{kind}}",
    "establishment": "{{establishment}}",
    "day": "{{day}}",
    "number": "{{number}}",
    "room": "{{room}}",
}

# One statement for a whole batch: the flags this sweep inserted (kind, its own raised_at, its
# subjects), times their recipients, times the channels. A row already written for
# (flag, recipient, channel) is skipped (notification_once_per_flag). MINE, OWNERS and POLICE
# are querysets compiled into it (the open flags, wards.recipients), so who is told is written
# once, for the notices and feedback too.
_NOTIFY_SQL = """
WITH mine AS (MINE),
recipients AS (
    SELECT m.id AS flag_id, o.id AS user_id, o.email, %(owner_url)s AS url
    FROM mine m
    JOIN (OWNERS) o ON o.establishment_id = m.establishment_id
    UNION ALL
    SELECT m.id, p.id, p.email, %(ward_url)s
    FROM mine m
    JOIN (POLICE) p ON p.ward_id = m.ward_id
),
written AS (
    INSERT INTO wards_notification
        (recipient_id, channel, flag_id, subject, body, url, created_at, sent_at, attempts)
    SELECT r.user_id, c.channel, m.id,
           left(replace(%(subject)s, '{{establishment}}', e.name), 200),
           replace(replace(replace(replace(%(body)s,
               '{{day}}', coalesce(to_char(m.day, 'DD/MM/YYYY'), '')),
               '{{number}}', coalesce(m.declaration_id::text, '')),
               '{{room}}', coalesce(d.room, '')),
               '{{establishment}}', e.name),
           r.url, %(now)s,
           -- In the portal, written is delivered.
           CASE WHEN c.channel = %(in_app)s THEN %(now)s END,
           0
    FROM recipients r
    JOIN mine m ON m.id = r.flag_id
    JOIN establishments_establishment e ON e.id = m.establishment_id
    LEFT JOIN guests_declaration d ON d.id = m.declaration_id
    JOIN (VALUES (%(in_app)s), (%(email)s)) AS c(channel)
      ON c.channel = %(in_app)s OR r.email <> ''
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM mine), (SELECT count(*) FROM written)
"""


def notify_new_flags(
    *,
    kind: str,
    now: datetime,
    establishment_ids: Iterable[int],
    declaration_ids: Iterable[int] | None = None,
    day: date | None = None,
) -> tuple[int, int]:
    """Outbox rows for the flags of ``kind`` raised at ``now`` about these subjects (the ones
    the calling sweep inserted): every active owner of the establishment and every active
    officer and commander of the ward; in the portal always, by e-mail when the user has an
    address. Runs in the caller's transaction; returns (flags, notifications written)."""
    subject, body = message_templates(kind)
    params = {
        "now": now,
        "owner_url": reverse("wards:establishment_flags"),
        "ward_url": reverse("wards:flags"),
        "in_app": NotificationChannel.IN_APP,
        "email": NotificationChannel.EMAIL,
        "subject": subject,
        "body": body,
    }
    mine = Flag.objects.open().filter(
        kind=kind, raised_at=now, establishment_id__in=list(establishment_ids)
    )
    if declaration_ids is not None:
        mine = mine.filter(declaration_id__in=list(declaration_ids))
    else:
        mine = mine.filter(declaration_id__isnull=True, day=day)
    sql = _NOTIFY_SQL
    try:
        for name, queryset in [
            ("MINE", mine.values("id", "establishment_id", "ward_id", "declaration_id", "day")),
            ("OWNERS", recipients.owners().values("id", "email", "establishment_id")),
            ("POLICE", recipients.police().values("id", "email", "ward_id")),
        ]:
            sql = sql.replace(name, _embedded(queryset.order_by(), name.lower(), params))
    except EmptyResultSet:  # no subject at all: no flag of this call
        return 0, 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        flags, written = cursor.fetchone()
    return flags, written


def _embedded(queryset: QuerySet, prefix: str, params: dict[str, Any]) -> str:
    """The queryset's SQL with its placeholders named (``%(prefix_0)s`` ...) and their values
    added to ``params``, for a statement written with named placeholders."""
    sql, values = queryset.query.sql_with_params()
    keys = iter(f"{prefix}_{n}" for n in range(len(values)))

    def named(match: re.Match) -> str:
        if match.group() == "%%":  # a literal percent sign stays one
            return "%%"
        key = next(keys)
        return f"%({key})s"

    named_sql = re.sub(r"%%|%s", named, sql)
    params.update({f"{prefix}_{n}": value for n, value in enumerate(values)})
    return named_sql


def message_templates(kind: str) -> tuple[str, str]:
    """Subject and body of a flag's notification, with placeholders for PostgreSQL. No guest's
    name or document: an e-mail leaves the portal, and identity data stays behind its access
    log (Law 91/2025)."""
    # The stored text is in the portal's language: a sweep runs in a worker where no request
    # chose one.
    with translation.override(settings.LANGUAGE_CODE):
        label = str(FlagKind(kind).label)
        subject = _("%(kind)s: %(establishment)s") % {**_TOKENS, "kind": label}
        if kind == FlagKind.MISSING:
            body = _("%(establishment)s did not close its register for %(day)s by the cutoff.")
        elif kind == FlagKind.SILENT:
            body = _(
                "%(establishment)s filed far fewer declarations in the week to %(day)s than usual."
            )
        else:
            body = _("%(kind)s: declaration no. %(number)s (room %(room)s) at %(establishment)s.")
        return subject, body % {**_TOKENS, "kind": label}


def flag_message(flag: Flag) -> tuple[str, str]:
    """The same subject and body, in the active language: the in-app page renders them when it
    is read, in the reader's language, and an e-mail when it is sent, in the language its
    recipient last chose (User.language)."""
    label = str(FlagKind(flag.kind).label)
    values = {
        "kind": label,
        "establishment": flag.establishment.name,
        "day": date_format(flag.day, "SHORT_DATE_FORMAT") if flag.day else "",
        "number": flag.declaration_id or "",
        "room": flag.declaration.room if flag.declaration_id else "",
    }
    subject = _("%(kind)s: %(establishment)s") % values
    if flag.kind == FlagKind.MISSING:
        body = _("%(establishment)s did not close its register for %(day)s by the cutoff.")
    elif flag.kind == FlagKind.SILENT:
        body = _(
            "%(establishment)s filed far fewer declarations in the week to %(day)s than usual."
        )
    else:
        body = _("%(kind)s: declaration no. %(number)s (room %(room)s) at %(establishment)s.")
    return subject, body % values


def enqueue_sending() -> None:
    """Ask a worker to send the pending e-mails now. Never raises: called after commit, where
    the filing or the flags are already safe in PostgreSQL; if Redis is down, the beat entry
    ``send-pending-notifications`` sends them when it is back."""
    from luutru.celery import app

    from ..tasks import send_pending_notifications

    try:
        # One quick connection attempt: a check-in must not wait on a broker that is down
        # (a plain apply_async retries inside kombu and redis-py for seconds).
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
            send_pending_notifications.apply_async(connection=connection, retry=False)
    except Exception:
        logger.warning("Could not enqueue the notification sender; beat will catch up.")


def send_pending(*, limit: int = SEND_LIMIT) -> int:
    """Send unsent e-mail notifications, oldest first; returns how many were sent.

    One row per transaction, claimed with SKIP LOCKED: two senders never send the same e-mail,
    and a sender killed mid-way loses at most the row it held (sent again: at least once).
    """
    sent = 0
    tried: list[int] = []
    for _n in range(limit):
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient", "flag__establishment", "flag__declaration")
                .filter(
                    channel=NotificationChannel.EMAIL,
                    sent_at__isnull=True,
                    attempts__lt=MAX_ATTEMPTS,
                )
                .exclude(pk__in=tried)
                .order_by("created_at", "pk")
                .first()
            )
            if notification is None:
                break
            tried.append(notification.pk)
            if _send(notification):
                notification.sent_at = timezone.now()
                notification.save(update_fields=["sent_at"])
                sent += 1
            else:
                notification.attempts += 1
                notification.save(update_fields=["attempts"])
    return sent


def _send(notification: Notification) -> bool:
    recipient: User = notification.recipient
    if not recipient.email or not recipient.is_active:
        # The address was removed or the account disabled since: nothing to send to.
        notification.attempts = MAX_ATTEMPTS - 1
        return False
    subject, body = notification.subject, notification.body
    if notification.flag_id is not None:
        # Written now in the recipient's language; the stored text (the portal's language)
        # stays as what was recorded.
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            subject, body = flag_message(notification.flag)
    if notification.url:
        body += "\n\n" + getattr(settings, "SITE_URL", "") + notification.url
    try:
        send_mail(subject, body, None, [recipient.email])
    except (smtplib.SMTPException, OSError):
        logger.warning(
            "Sending notification %s failed (attempt %s).",
            notification.pk,
            notification.attempts + 1,
            exc_info=True,
        )
        return False
    return True


# --- the in-app page ---------------------------------------------------------------------------


def in_app_for(user: User):
    return Notification.objects.filter(recipient=user, channel=NotificationChannel.IN_APP)


def mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them; returns how many changed."""
    unread = in_app_for(user).filter(read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
