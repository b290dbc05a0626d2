from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccessAction(models.TextChoices):
    SEARCH = "search", _("Search")
    VIEW = "view", _("Opened a declaration")
    EXPORT = "export", _("Export")


@pgtrigger.register(
    # Law 91/2025 on personal data: the trail of who looked at whom cannot be edited, not even
    # through the ORM or raw SQL from the application's own database role.
    pgtrigger.Protect(name="access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete)
)
class AccessLog(models.Model):
    """One police search or one opening of a declaration: who, what, when, from where."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ward = models.ForeignKey("luutru.Ward", on_delete=models.PROTECT, related_name="access_logs")
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    # What was looked at: the declaration opened, or what was searched for and how many rows
    # came back. The terms are kept here for the commander, never in the application's log.
    # No database constraint: the log outlives the declarations it names (they are purged after
    # the retention period, Law 91/2025), and the append-only trigger forbids nulling them.
    declaration = models.ForeignKey(
        "guests.Declaration",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # A document number searched for is kept masked, with its keyed hash (guests.documents):
    # "who looked for this passport" can still be answered exactly, but the log holds no
    # number in clear.
    query = models.CharField(_("search"), max_length=200, blank=True)
    query_hash = models.CharField(max_length=64, blank=True, editable=False)
    results = models.PositiveIntegerField(_("results"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), db_default=models.functions.Now())

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["ward", "-at"], name="access_log_by_ward")]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.at:%Y-%m-%d %H:%M}"


class FlagKind(models.TextChoices):
    LATE = "late", _("Filed late")
    MISSING = "missing", _("Register not closed")
    OVERDUE = "overdue", _("Past departure, not checked out")
    UNREVIEWED = "unreviewed", _("Not reviewed in time")
    UNCORRECTED = "uncorrected", _("Returned, not corrected in time")
    SILENT = "silent", _("Filing far below its usual rate")
    DOCUMENT_EXPIRED = "doc_expired", _("Filed with an expired passport")
    VISA_EXPIRED = "visa_expired", _("Visa expired before arrival (overstay)")


class FlagQuerySet(models.QuerySet):
    def open(self) -> FlagQuerySet:
        """The flags nobody has resolved yet (what the partial indexes and the "raised once
        while open" constraint are about)."""
        return self.filter(resolved_at__isnull=True)

    def resolved(self) -> FlagQuerySet:
        return self.filter(resolved_at__isnull=False)


class Flag(models.Model):
    """Something late or missing, raised by a sweep (or at filing, for late) and shown to the
    establishment's owner and to the ward. Raised once: one open flag per (kind, establishment,
    declaration, day), enforced by PostgreSQL, so a retried sweep or a second worker adds
    nothing (inserted with ignore_conflicts)."""

    kind = models.CharField(_("kind"), max_length=16, choices=FlagKind.choices)
    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.PROTECT, related_name="flags"
    )
    ward = models.ForeignKey("luutru.Ward", on_delete=models.PROTECT, related_name="flags")
    declaration = models.ForeignKey(
        "guests.Declaration", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    # The day a "missing" or "silent" flag is about.
    day = models.DateField(_("day"), null=True, blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.TextField(_("resolution note"), blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "establishment", "declaration", "day"],
                condition=models.Q(resolved_at__isnull=True),
                nulls_distinct=False,
                name="flag_raised_once_while_open",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True) | ~models.Q(resolution=""),
                name="flag_resolution_has_note",
            ),
        ]
        indexes = [
            models.Index(
                fields=["ward", "-raised_at"],
                condition=models.Q(resolved_at__isnull=True),
                name="flag_open_by_ward",
            ),
            models.Index(
                fields=["establishment", "-raised_at"],
                condition=models.Q(resolved_at__isnull=True),
                name="flag_open_by_establishment",
            ),
            # The missing and silent sweeps ask whether a day was flagged before, resolved or not.
            models.Index(
                fields=["establishment", "kind", "day"],
                condition=models.Q(day__isnull=False),
                name="flag_by_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.establishment}"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("In the portal")


class Notification(models.Model):
    """An outbox row, written in the same transaction as what it announces (a flag, a notice,
    an answer) and sent by a task afterwards: a Redis outage at commit time loses nothing."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # One notification per flag, person and channel, whatever retries happen.
            models.UniqueConstraint(
                fields=["flag", "recipient", "channel"],
                condition=models.Q(flag__isnull=False),
                name="notification_once_per_flag",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(channel="email", sent_at__isnull=True),
                name="notification_email_unsent",
            ),
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(channel="in_app", read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NoticeCategory(models.TextChoices):
    ADVISORY = "advisory", _("Crime-prevention advisory")
    RULE = "rule", _("New rule")
    SCAM = "scam", _("Scam warning")
    OTHER = "other", _("Other")


class Notice(models.Model):
    """A notice the ward police publish to every establishment of the ward or to chosen ones."""

    ward = models.ForeignKey("luutru.Ward", on_delete=models.PROTECT, related_name="notices")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=16, choices=NoticeCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.title


class NoticeDeliveryQuerySet(models.QuerySet):
    def unread_first(self) -> NoticeDeliveryQuerySet:
        """Unread first, then the newest notice first."""
        return self.annotate(
            unread=models.ExpressionWrapper(
                models.Q(read_at__isnull=True), output_field=models.BooleanField()
            )
        ).order_by("-unread", "-notice__published_at", "-id")


class NoticeDelivery(models.Model):
    """A notice as one establishment received it, and when it was read there."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="notices"
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = NoticeDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice delivery")
        verbose_name_plural = _("notice deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "establishment"], name="notice_delivered_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["establishment"],
                condition=models.Q(read_at__isnull=True),
                name="notice_unread",
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.establishment}"


class FeedbackCategory(models.TextChoices):
    QUESTION = "question", _("Question")
    SUSPICIOUS_GUEST = "suspicious_guest", _("Suspicious guest")
    COMPLAINT = "complaint", _("Complaint")
    OTHER = "other", _("Other")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("feedback", "Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", pgettext_lazy("feedback", "Closed")


class FeedbackThread(models.Model):
    """An establishment's question, report or complaint to its ward police, and the answers."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.PROTECT, related_name="feedback"
    )
    ward = models.ForeignKey("luutru.Ward", on_delete=models.PROTECT, related_name="feedback")
    category = models.CharField(_("category"), max_length=20, choices=FeedbackCategory.choices)
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    # One of the establishment's own declarations the thread is about (a suspicious guest). The
    # retention purge deletes guests' data (Law 91/2025) and must not be blocked by a thread,
    # which outlives it: the thread keeps its messages and loses only the link.
    declaration = models.ForeignKey(
        "guests.Declaration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_threads",
        verbose_name=_("declaration"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [models.Index(fields=["ward", "status", "-updated_at"], name="feedback_by_ward")]

    def __str__(self) -> str:
        return self.subject


class FeedbackMessage(models.Model):
    thread = models.ForeignKey(FeedbackThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["thread", "created_at", "id"]
        verbose_name = _("feedback message")
        verbose_name_plural = _("feedback messages")

    def __str__(self) -> str:
        return f"{self.thread}: {self.author}"


class Inspection(models.Model):
    """An officer's visit to an establishment and what they found."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.PROTECT, related_name="inspections"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    findings = models.TextField(_("findings"))
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return f"{self.establishment} {self.date}"
