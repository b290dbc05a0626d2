from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from establishments.models import Establishment
from luutru.text import fold

from . import deadlines
from .fields import (
    DocumentHashField,
    EncryptedBinaryField,
    EncryptedDocumentField,
    SnapshotField,
)


class DeclarationKind(models.TextChoices):
    # Law 47/2014, art. 33: khai báo tạm trú of a foreigner.
    FOREIGNER = "foreigner", _("Foreigner")
    # Law on Residence 2020, art. 30: thông báo lưu trú of a Vietnamese citizen.
    CITIZEN = "citizen", _("Citizen")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    # ICAO 9303's "unspecified" ("<" in the zone).
    UNSPECIFIED = "X", _("Unspecified")


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    CITIZEN_ID = "citizen_id", _("Personal identification number")
    OTHER = "other", _("Other travel document")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    CONFIRMED = "confirmed", _("Confirmed")
    RETURNED = "returned", _("Returned for correction")


# What a version snapshots: everything the receptionist typed about the guest and the stay.
GUEST_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "nationality",
    "document_type",
    "document_number",
    "document_expiry",
    "visa_number",
    "visa_expiry",
    "entry_port",
    "entry_date",
    "reason",
)
STAY_FIELDS = ("room", "arrival", "expected_departure")
# The guest fields of each kind: its form's fields and a CSV row's columns for it.
FOREIGNER_FIELDS = tuple(name for name in GUEST_FIELDS if name != "reason")
CITIZEN_FIELDS = ("full_name", "sex", "birth_date", "document_number", "reason")

SUBMISSION_CONSTRAINT = "declaration_submitted_once"
DOCUMENT_CONSTRAINT = "declaration_document_staying_once"


def document_warnings(
    *,
    document_expiry: date | None,
    visa_expiry: date | None,
    arrival: datetime,
    expected_departure: datetime,
) -> list[str]:
    """What the front desk should know but may still file: the guest is in the building."""
    warnings = []
    arrival_day = deadlines.local_day(arrival)
    departure_day = deadlines.local_day(expected_departure)
    if document_expiry is not None and document_expiry < arrival_day:
        warnings.append(
            _("The passport expired on %(date)s.")
            % {"date": date_format(document_expiry, "SHORT_DATE_FORMAT")}
        )
    if visa_expiry is not None and visa_expiry < departure_day:
        warnings.append(
            _("The visa ends on %(date)s, before the expected departure.")
            % {"date": date_format(visa_expiry, "SHORT_DATE_FORMAT")}
        )
    return warnings


class LocalDay(models.Func):
    """The lodging's calendar day of a timestamptz, in SQL (guests.deadlines.local_day). The zone
    is a literal, not a parameter: the expression is immutable, so an index may use it."""

    template = "((%(expressions)s) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    output_field = models.DateField()


# A visa that ends before the local day of the expected departure: the condition of an index,
# so written once, in the same words for the index and the query (the planner matches them).
VISA_BEFORE_DEPARTURE = models.Q(visa_expiry__lt=LocalDay("expected_departure"))


# A week's notice of a visa's end: the time a stay extension takes at the immigration office
# (five working days) and a little more to hand in the passport.
VISA_WARNING_DAYS = 7


class DeclarationQuerySet(models.QuerySet["Declaration"]):
    def staying(self) -> DeclarationQuerySet:
        """Guests who have not checked out."""
        return self.filter(departed_at__isnull=True)

    def visa_ending(self, today: date) -> DeclarationQuerySet:
        """Staying foreign guests whose visa or card ends within VISA_WARNING_DAYS of today, or
        before their expected departure. Read through the partial indexes
        declaration_visa_ending and declaration_visa_short, one range and one predicate:
        PostgreSQL answers the OR with a BitmapOr of the two."""
        return self.filter(
            models.Q(visa_expiry__lte=today + timedelta(days=VISA_WARNING_DAYS))
            | VISA_BEFORE_DEPARTURE,
            kind=DeclarationKind.FOREIGNER,
            departed_at__isnull=True,
            visa_expiry__isnull=False,
        )


class Declaration(models.Model):
    """One guest's stay at one establishment, as reported to the ward police.

    The fields hold the current state; every submitted state is also kept as a
    `DeclarationVersion`, so that nothing a receptionist submitted is overwritten without a
    trace.

    ``nationality`` is an ISO 3166-1 alpha-2 code ("FR", "VN"; "XK" for Kosovo) or, for a
    holder no country claims, the three-letter ICAO 9303 code as printed in the zone ("XXA"
    stateless, "XXB"/"XXC" refugee, "UNO"...): two letters always mean a country, three never do.
    """

    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("establishment"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DeclarationKind.choices)

    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    nationality = models.CharField(_("nationality"), max_length=3)
    document_type = models.CharField(
        _("document type"), max_length=16, choices=DocumentType.choices
    )
    # Encrypted at rest, found through its keyed hash (guests.documents).
    document_number = EncryptedDocumentField(_("document number"))
    document_hash = DocumentHashField(source="document_number")
    document_expiry = models.DateField(_("document expiry"), null=True, blank=True)
    # Foreigners only.
    visa_number = models.CharField(_("visa number"), max_length=20, blank=True)
    visa_expiry = models.DateField(_("visa expiry"), null=True, blank=True)
    entry_port = models.CharField(_("port of entry"), max_length=100, blank=True)
    entry_date = models.DateField(_("date of entry"), null=True, blank=True)
    # Citizens only.
    reason = models.CharField(_("reason for stay"), max_length=200, blank=True)

    room = models.CharField(_("room"), max_length=20)
    arrival = models.DateTimeField(_("arrival"))
    expected_departure = models.DateTimeField(_("expected departure"))
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    departed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("check-out recorded by"),
    )

    deadline = models.DateTimeField(_("deadline"))
    late = models.BooleanField(_("late"), default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"))
    review_status = models.CharField(
        _("review status"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
    )
    # One per guest of a submitted form (see services.guest_submission_key), so that the same
    # form posted twice files nothing the second time.
    submission_key = models.UUIDField(editable=False)
    # The name folded for accent-insensitive search (luutru.text.fold).
    name_key = models.CharField(max_length=150, default="", editable=False)

    # When the sweeps must look at this row again; NULL once it needs no more looking at. Each
    # sweep reads only rows whose time has come, through a partial index (wards.flagging).
    overdue_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    correction_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["room", "arrival", "id"]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "submission_key"], name=SUBMISSION_CONSTRAINT
            ),
            # The same document cannot be staying twice at one establishment. Nationality is
            # part of the key: two states may issue the same passport number.
            models.UniqueConstraint(
                fields=["establishment", "document_type", "nationality", "document_hash"],
                condition=models.Q(departed_at__isnull=True),
                name=DOCUMENT_CONSTRAINT,
            ),
            models.CheckConstraint(
                condition=models.Q(expected_departure__gt=models.F("arrival")),
                name="declaration_departure_after_arrival",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=DeclarationKind.values),
                name="declaration_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(review_status__in=ReviewStatus.values),
                name="declaration_review_status_valid",
            ),
        ]
        indexes = [
            # The front desk's current-guests list.
            models.Index(
                fields=["establishment", "room"],
                condition=models.Q(departed_at__isnull=True),
                name="declaration_staying",
            ),
            # The owner's audit: an establishment's submissions, newest first.
            models.Index(fields=["establishment", "-filed_at"], name="declaration_audit"),
            models.Index(
                fields=["overdue_check_at"],
                condition=models.Q(overdue_check_at__isnull=False),
                name="declaration_overdue_due",
            ),
            models.Index(
                fields=["review_due_at"],
                condition=models.Q(review_due_at__isnull=False),
                name="declaration_review_due",
            ),
            models.Index(
                fields=["correction_due_at"],
                condition=models.Q(correction_due_at__isnull=False),
                name="declaration_correction_due",
            ),
            # The retention purge reads only departed guests, oldest first.
            models.Index(
                fields=["departed_at"],
                condition=models.Q(departed_at__isnull=False),
                name="declaration_departed",
            ),
            # The police's searches: a document number exactly, a name by any part of it.
            models.Index(fields=["document_hash"], name="declaration_document_hash"),
            GinIndex(fields=["name_key"], opclasses=["gin_trgm_ops"], name="declaration_name_trgm"),
            # The desk's "returned by the police" list: a handful of rows among thousands.
            models.Index(
                fields=["establishment"],
                condition=models.Q(review_status="returned"),
                name="declaration_returned",
            ),
            # The police's review inbox: a ward's pending rows, late first, then oldest first
            # (wards.inbox). Pending is ~1 % of the table, so the index stays small.
            models.Index(
                fields=["establishment", "-late", "filed_at", "id"],
                condition=models.Q(review_status="pending"),
                name="declaration_inbox",
            ),
            # The visa-expiry warnings (immigration.warnings): a staying foreigner whose visa ends
            # within days (a range on visa_expiry) ...
            models.Index(
                fields=["establishment", "visa_expiry"],
                condition=models.Q(
                    kind=DeclarationKind.FOREIGNER,
                    departed_at__isnull=True,
                    visa_expiry__isnull=False,
                ),
                name="declaration_visa_ending",
            ),
            # ... or before the expected departure, whenever that is: a clause of the row alone,
            # so it is the index's predicate. The local day of a timestamptz in a named zone is
            # immutable (timezone(text, timestamptz)), so PostgreSQL accepts it here; the query
            # writes the same VISA_BEFORE_DEPARTURE for the planner to match.
            models.Index(
                fields=["establishment"],
                condition=models.Q(kind=DeclarationKind.FOREIGNER, departed_at__isnull=True)
                & VISA_BEFORE_DEPARTURE,
                name="declaration_visa_short",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.room})"

    def legal_deadline(self, *, remote: bool) -> datetime:
        """When this guest must have been reported, from the arrival.

        Citizens: Law on Residence 2020, art. 30(4) (23:00 that day, 08:00 the next after a
        23:00 arrival). Foreigners: Law 47/2014, art. 33(2) (12 hours, 24 in a remote ward).
        """
        if self.kind == DeclarationKind.CITIZEN:
            return deadlines.citizen_deadline(self.arrival)
        return deadlines.foreigner_deadline(self.arrival, remote=remote)

    def is_late(self, at: datetime) -> bool:
        """Whether a filing at ``at`` misses the stored deadline (DESIGN: "late")."""
        return deadlines.is_late(at, self.deadline)

    def document_expired(self) -> bool:
        """The passport (or other document) had expired before the arrival day. The guest is
        still filed (Luật Cư trú 2020, art. 30: every stay is reported) and the police told."""
        arrival_day = deadlines.local_day(self.arrival)
        return self.document_expiry is not None and self.document_expiry < arrival_day

    def visa_expired(self) -> bool:
        """The visa had ended before the arrival day: the foreigner is overstaying."""
        arrival_day = deadlines.local_day(self.arrival)
        return self.visa_expiry is not None and self.visa_expiry < arrival_day

    def warnings(self) -> list[str]:
        return document_warnings(
            document_expiry=self.document_expiry,
            visa_expiry=self.visa_expiry,
            arrival=self.arrival,
            expected_departure=self.expected_departure,
        )

    def fix_at_filing(self, *, at: datetime, ward) -> None:
        """What is decided once, when the police are first told: the deadline and whether
        this filing (at ``at``) missed it, then the times the sweeps will look again."""
        self.filed_at = at
        self.deadline = self.legal_deadline(remote=ward.remote)
        self.late = deadlines.is_late(at, self.deadline)
        self.schedule_sweeps(ward=ward, at=at)

    # The times the sweeps (wards.flagging) look at a row again, for each event that moves
    # them: the one place their rules are written.

    def schedule_sweeps(self, *, ward, at: datetime) -> list[str]:
        """Set the name key and the times the sweeps look at, for a row filed or re-submitted
        (a correction) at ``at``: overdue at the expected departure, unreviewed after the
        ward's review window, no correction due. Returns the fields set, to save."""
        self.name_key = fold(self.full_name)
        self.overdue_check_at = None if self.departed_at else self.expected_departure
        self.review_due_at = at + timedelta(hours=ward.review_window_hours)
        self.correction_due_at = None
        return ["name_key", "review_due_at", "correction_due_at", "overdue_check_at"]

    @staticmethod
    def sweeps_after_review(*, returned: bool, ward, at: datetime) -> dict[str, datetime | None]:
        """The due columns once the police decided at ``at``, as an update: no review due any
        more; a returned declaration is due back corrected within the ward's window."""
        return {
            "review_due_at": None,
            "correction_due_at": at + timedelta(hours=ward.correction_window_hours)
            if returned
            else None,
        }

    @staticmethod
    def sweeps_after_check_out() -> dict[str, datetime | None]:
        """The due columns of a guest who left, as an update: nobody is overdue any more."""
        return {"overdue_check_at": None}

    def snapshot(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in GUEST_FIELDS + STAY_FIELDS}


class DeclarationVersion(models.Model):
    """One submitted state of a declaration; version 1 is the original filing."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = SnapshotField(_("data"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["declaration", "number"]
        verbose_name = _("declaration version")
        verbose_name_plural = _("declaration versions")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "number"], name="declaration_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="declaration_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.declaration} v{self.number}"


class ReviewAction(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    RETURNED = "returned", _("Returned for correction")


class ReviewEvent(models.Model):
    """A police officer's decision on a declaration: reviews are events, never edits."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(_("action"), max_length=16, choices=ReviewAction.choices)
    reason = models.TextField(_("reason"), blank=True)
    # The version the officer looked at: a return is answered by a later version.
    version_number = models.PositiveIntegerField(_("version"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["declaration", "at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action="returned") | ~models.Q(reason=""),
                name="review_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.declaration} {self.action}"


class RegisterClosing(models.Model):
    """An establishment's statement that its register for one day is complete, also when
    nobody arrived (a nil return): without it "no guests" and "did not report" look alike."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="register_closings"
    )
    day = models.DateField(_("day"))
    foreigners = models.PositiveIntegerField(_("foreigners"))
    citizens = models.PositiveIntegerField(_("citizens"))
    late = models.PositiveIntegerField(_("late"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"))

    class Meta:
        ordering = ["establishment", "-day"]
        verbose_name = _("register closing")
        verbose_name_plural = _("register closings")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "day"], name="register_closed_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} {self.day}"

    @property
    def nil_return(self) -> bool:
        return self.foreigners + self.citizens == 0


# What the associated data binds an uploaded file's ciphertext to (see guests.documents).
IMPORT_FILE_AAD = b"luutru.import_file"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking")
    FAILED = "failed", _("Refused: errors in the file")
    FILED = "filed", _("Filed")


class ImportBatch(models.Model):
    """One uploaded CSV file. The file is kept in PostgreSQL, so whichever worker takes the job
    can read it; the file is filed whole or not at all. It is kept encrypted, like document
    numbers, and only until the batch is filed or refused: its guests are then in their
    declarations, or nowhere."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="import_batches"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    filename = models.CharField(_("file name"), max_length=200)
    # documents.file_hash of the file, a keyed HMAC-SHA256 (a plain SHA-256 would let a dump
    # confirm guessed files); it outlives the content, for the check of a second upload.
    sha256 = models.CharField(max_length=64)
    # Emptied in the statement that sets the batch filed or failed.
    content = EncryptedBinaryField(aad=IMPORT_FILE_AAD)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    filed = models.PositiveIntegerField(_("declarations filed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("CSV import")
        verbose_name_plural = _("CSV imports")
        constraints = [
            # The same file filed twice files nothing new: a second upload of a file that was
            # filed (or is being filed) is refused.
            models.UniqueConstraint(
                fields=["establishment", "sha256"],
                condition=~models.Q(status="failed"),
                name="import_file_once",
            ),
        ]
        indexes = [
            # The sweep that re-enqueues batches no worker took reads only these.
            models.Index(
                fields=["uploaded_at"],
                condition=models.Q(status="queued"),
                name="import_queued",
            ),
        ]

    def __str__(self) -> str:
        return self.filename
