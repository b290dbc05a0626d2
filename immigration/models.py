"""The province immigration office's side: sponsors apply online for a foreigner's visa, stay
extension or temporary-residence card; the ward police confirm the residence; the office's
officers decide against a working-day deadline.

Field names follow the official forms (README, "Immigration: the application forms"): NA5 (the
request for a visa, a visa extension or a stay extension) and NA8 (the request for a
temporary-residence card). Identity fields are named as on guests.Declaration, so an application
started from a guest's declaration copies them by name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guests.fields import DocumentHashField, EncryptedBinaryField, EncryptedDocumentField
from guests.models import Sex
from luutru.models import Province, Ward


class SponsorKind(models.TextChoices):
    COMPANY = "company", _("Company")
    SCHOOL = "school", _("School or university")
    REPRESENTATIVE_OFFICE = "representative_office", _("Representative office")
    OTHER = "other", _("Other organisation")


class SponsorStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the immigration office")
    ACTIVE = "active", _("Approved")
    REFUSED = "refused", _("Refused")
    SUSPENDED = "suspended", _("Suspended")


class Sponsor(models.Model):
    """An organisation that sponsors foreigners (Law 47/2014, art. 14: the inviting agency),
    registered online and approved by the immigration office of its province."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=SponsorKind.choices)
    registration_number = models.CharField(
        _("business or establishment registration number"), max_length=30
    )
    address = models.CharField(_("address"), max_length=300)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="sponsors", verbose_name=_("province")
    )
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    contact_email = models.EmailField(_("contact e-mail"))
    status = models.CharField(
        _("status"), max_length=16, choices=SponsorStatus.choices, default=SponsorStatus.PENDING
    )
    # A double-submit of the registration page files one registration (as establishments do).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    applied_at = models.DateTimeField(_("applied at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("sponsoring organisation")
        verbose_name_plural = _("sponsoring organisations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="sponsor_refusal_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["province", "applied_at"],
                condition=models.Q(status="pending"),
                name="sponsor_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SponsorStaff(models.Model):
    """Membership of a sponsor's account (role "sponsor") in its organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sponsor_staff"
    )
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="staff")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sponsor's account")
        verbose_name_plural = _("sponsors' accounts")

    def __str__(self) -> str:
        return f"{self.user} ({self.sponsor})"


class Kind(models.TextChoices):
    VISA = "visa", _("Visa issuance")
    STAY_EXTENSION = "stay_extension", _("Extension of the permitted stay")
    RESIDENCE_CARD = "residence_card", _("Temporary-residence card")


# Law 47/2014 (amended by Law 51/2019 and Law 23/2023): the office answers within five working
# days of receiving a complete dossier, for each of the three (arts. 16, 35 and 37).
WORKING_DAYS = {Kind.VISA: 5, Kind.STAY_EXTENSION: 5, Kind.RESIDENCE_CARD: 5}


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    INFO_REQUESTED = "info_requested", _("More information requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted: hand in the passport")
    APPROVED = "approved", _("Approved: collect the result")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Waiting for the office: the queue, the deadline sweep and their partial indexes.
WAITING_STATES = (State.SUBMITTED, State.RESUBMITTED, State.ACCEPTED)
# Decided or given up: nothing more happens.
FINAL_STATES = (State.APPROVED, State.REFUSED, State.WITHDRAWN)
# The transitions, each compare-and-set on the state it leaves (immigration.services).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.DRAFT: (State.SUBMITTED, State.WITHDRAWN),
    State.SUBMITTED: (State.INFO_REQUESTED, State.ACCEPTED, State.REFUSED, State.WITHDRAWN),
    State.INFO_REQUESTED: (State.RESUBMITTED, State.WITHDRAWN),
    State.RESUBMITTED: (State.INFO_REQUESTED, State.ACCEPTED, State.REFUSED, State.WITHDRAWN),
    State.ACCEPTED: (State.APPROVED, State.REFUSED, State.WITHDRAWN),
}


class PermitType(models.TextChoices):
    """What lets the foreigner stay today (NA5 item 7, NA8 item 9)."""

    VISA = "visa", _("Visa")
    RESIDENCE_CARD = "residence_card", _("Temporary-residence card")
    EXEMPTION = "exemption", _("Visa exemption")
    E_VISA = "e_visa", _("E-visa")


class Purpose(models.TextChoices):
    """The purpose of entry and its visa symbol (Law 47/2014, art. 8)."""

    TOURISM = "DL", _("Tourism (DL)")
    BUSINESS = "DN1", _("Working with an enterprise (DN1)")
    INVESTMENT = "DT3", _("Investment (ĐT3)")
    WORK = "LD1", _("Work, with a work-permit exemption (LĐ1)")
    WORK_PERMIT = "LD2", _("Work, with a work permit (LĐ2)")
    STUDY = "DH", _("Study or internship (DH)")
    FAMILY = "TT", _("Visiting family (TT)")
    VISIT = "VR", _("Visiting relatives (VR)")
    JOURNALIST = "PV1", _("Resident journalist (PV1)")
    OTHER = "other", _("Other")


class EntryCount(models.TextChoices):
    SINGLE = "single", _("Single entry")
    MULTIPLE = "multiple", _("Multiple entry")


class Application(models.Model):
    """One request of one foreigner, filed by one sponsor: a lodging (for its staying guest) or
    a registered organisation. A draft holds anything typed so far; submission checks it all."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    # The immigration office that decides: the province of the address of stay.
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="applications", verbose_name=_("province")
    )
    # The sponsor: exactly one of the two.
    establishment = models.ForeignKey(
        "establishments.Establishment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="immigration_applications",
        verbose_name=_("lodging"),
    )
    sponsor = models.ForeignKey(
        Sponsor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("sponsoring organisation"),
    )
    # The guest's declaration the application started from (a lodging's application).
    declaration = models.ForeignKey(
        "guests.Declaration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="immigration_applications",
        verbose_name=_("guest's declaration"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("saved at"))

    # --- the foreigner (NA5 items 1-6, NA8 items 1-8) ---
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    passport_number = EncryptedDocumentField(_("passport number"), blank=True, default="")
    passport_hash = DocumentHashField(source="passport_number")
    passport_expiry = models.DateField(_("passport expiry"), null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=150, blank=True)
    # --- the current permit to stay (NA5 item 7, NA8 item 9) ---
    permit_type = models.CharField(
        _("current visa or card"), max_length=16, choices=PermitType.choices, blank=True
    )
    permit_number = models.CharField(_("visa or card number"), max_length=20, blank=True)
    permit_expiry = models.DateField(_("visa or card valid until"), null=True, blank=True)
    entry_date = models.DateField(_("date of entry"), null=True, blank=True)
    entry_port = models.CharField(_("port of entry"), max_length=100, blank=True)
    # --- what is asked (NA5 items 8-9, NA8 items 10-12) ---
    purpose = models.CharField(_("purpose"), max_length=8, choices=Purpose.choices, blank=True)
    requested_from = models.DateField(_("requested from"), null=True, blank=True)
    requested_until = models.DateField(_("requested until"), null=True, blank=True)
    entries = models.CharField(
        _("entries"), max_length=8, choices=EntryCount.choices, blank=True
    )  # a visa only
    work_permit_number = models.CharField(
        _("work permit number"), max_length=30, blank=True
    )  # a residence card for work (LĐ2)
    # --- where the foreigner stays ---
    address = models.CharField(_("address of stay"), max_length=300, blank=True)
    ward = models.ForeignKey(
        Ward,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="immigration_applications",
        verbose_name=_("ward of the address"),
    )
    # --- the sponsor's declaration (NA5 "agency, organisation or individual", NA8 footer) ---
    sponsor_name = models.CharField(_("sponsor's name"), max_length=200, blank=True)
    sponsor_address = models.CharField(_("sponsor's address"), max_length=300, blank=True)
    sponsor_phone = models.CharField(_("sponsor's phone"), max_length=20, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's position"), max_length=100, blank=True)

    # --- the office's side ---
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The working-day deadline, counted from the last (re)submission (immigration.workdays).
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # Set by the deadline sweep when it flags the application: flagged once.
    overdue_at = models.DateTimeField(_("flagged late at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    info_request = models.TextField(_("information requested"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("immigration application")
        verbose_name_plural = _("immigration applications")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(establishment__isnull=False, sponsor__isnull=True)
                    | models.Q(establishment__isnull=True, sponsor__isnull=False)
                ),
                name="immigration_one_sponsor",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=State.values), name="immigration_state_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="refused") | ~models.Q(refusal_reason=""),
                name="immigration_refusal_has_reason",
            ),
        ]
        indexes = [
            # The office's queue: its province's waiting applications, oldest first.
            models.Index(
                fields=["province", "submitted_at", "id"],
                condition=models.Q(state__in=WAITING_STATES),
                name="immigration_queue",
            ),
            # The deadline sweep: only the waiting ones not flagged yet, by due time.
            models.Index(
                fields=["due_at"],
                condition=models.Q(state__in=WAITING_STATES, overdue_at__isnull=True),
                name="immigration_due",
            ),
            models.Index(fields=["establishment", "-updated_at"], name="immigration_by_lodging"),
            models.Index(fields=["sponsor", "-updated_at"], name="immigration_by_sponsor"),
            models.Index(fields=["province", "state", "kind"], name="immigration_stats"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.full_name}".strip()

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def is_editable(self) -> bool:
        """The applicant may change what it holds: a draft, or what the office asked for."""
        return self.state in (State.DRAFT, State.INFO_REQUESTED)


class Event(models.Model):
    """One transition of an application, with who and when: its timeline."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.from_state or '-'} -> {self.to_state}"


class AttachmentKind(models.TextChoices):
    PASSPORT_PAGE = "passport_page", _("Passport data page")
    PHOTO = "photo", _("Photo (4×6 cm)")
    SUPPORTING = "supporting", _("Supporting document")


ATTACHMENT_AAD = b"immigration.attachment"


class Attachment(models.Model):
    """An uploaded file, checked and re-encoded (immigration.uploads), kept sealed in the
    database: no file of it is under any URL; only the access-checked view serves it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    content = EncryptedBinaryField(aad=ATTACHMENT_AAD)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["kind", "uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ConfirmationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")


class ResidenceConfirmation(models.Model):
    """The ward police's confirmation that the foreigner stays at the address of an
    application. Asked by the applicant, decided by an officer of the address's ward; once
    confirmed, issued as a PDF whose code anyone can check on the public verification page."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="confirmations"
    )
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="residence_confirmations")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ConfirmationStatus.choices,
        default=ConfirmationStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    # Set on confirmation: the code printed on the PDF and its QR, and what the public page may
    # show of the passport (its last three characters).
    code = models.CharField(_("verification code"), max_length=16, blank=True)
    passport_tail = models.CharField(max_length=3, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("confirmation of residence")
        verbose_name_plural = _("confirmations of residence")
        constraints = [
            # One open request per application at a time.
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status="requested"),
                name="confirmation_one_open",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="confirmation_code_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | ~models.Q(code=""),
                name="confirmation_confirmed_has_code",
            ),
        ]
        indexes = [
            models.Index(
                fields=["ward", "requested_at"],
                condition=models.Q(status="requested"),
                name="confirmation_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} ({self.get_status_display()})"


class Rating(models.Model):
    """The applicant's rating of the service, once the application is decided."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.score}"


class Survey(models.Model):
    """A short opinion survey sent to the establishments of an area: by the immigration office
    (its province) or by a ward commander (their ward)."""

    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="surveys"
    )
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.PROTECT, related_name="surveys"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    closes_at = models.DateTimeField(_("closes at"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(province__isnull=False, ward__isnull=True)
                    | models.Q(province__isnull=True, ward__isnull=False)
                ),
                name="survey_one_area",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyAnswer(models.Model):
    """One establishment's answer: a score of 1-5 and an optional comment."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="survey_answers"
    )
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["survey", "establishment"], name="survey_answer_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="survey_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.score}"
