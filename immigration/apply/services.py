"""The applicant's writes: start an application, save its draft with its files, delete a
file. Changes of state (submit, resubmit, withdraw) go through immigration.services.transition."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from guests.models import Declaration
from luutru.models import User

from .. import services
from ..access import Applicant
from ..models import Application, Attachment, AttachmentKind, Kind, PermitType, State
from ..uploads import CheckedFile
from .fields import FIELDS, required_fields

EDITABLE = (State.DRAFT, State.INFO_REQUESTED)


def prefill(*, applicant: Applicant, by: User, declaration: Declaration | None) -> dict:
    """What a new application already knows: the guest's identity and entry from the
    declaration, the address of stay from the lodging, the sponsor from the lodging or the
    organisation, the signer from the account."""
    values: dict = {"signed_by": by.full_name}
    if applicant.establishment is not None:
        establishment = applicant.establishment
        owner_phone = establishment.application.owner_phone if establishment.application else ""
        values.update(
            address=establishment.address,
            ward=establishment.ward,
            sponsor_name=establishment.name,
            sponsor_address=establishment.address,
            sponsor_phone=owner_phone,
        )
    else:
        sponsor = applicant.sponsor
        values.update(
            sponsor_name=sponsor.name,
            sponsor_address=sponsor.address,
            sponsor_phone=sponsor.contact_phone,
        )
    if declaration is not None:
        values.update(
            full_name=declaration.full_name,
            sex=declaration.sex,
            birth_date=declaration.birth_date,
            nationality=declaration.nationality,
            passport_number=declaration.document_number,
            passport_expiry=declaration.document_expiry,
            entry_date=declaration.entry_date,
            entry_port=declaration.entry_port,
        )
        if declaration.visa_number or declaration.visa_expiry:
            values.update(
                permit_type=PermitType.VISA,
                permit_number=declaration.visa_number,
                permit_expiry=declaration.visa_expiry,
            )
    return values


@transaction.atomic
def create_application(
    *, applicant: Applicant, by: User, kind: str, declaration: Declaration | None = None
) -> Application:
    """A draft of ``kind``, filled with what is known already."""
    now = timezone.now()
    province = applicant.province
    values = prefill(applicant=applicant, by=by, declaration=declaration)
    values = {name: value for name, value in values.items() if name in FIELDS[kind]}
    return Application.objects.create(
        reference=services.new_reference(province.code),
        kind=kind,
        province=province,
        declaration=declaration,
        created_by=by,
        created_at=now,
        updated_at=now,
        **applicant.scope(),
        **values,
    )


@transaction.atomic
def save_draft(
    *,
    application: Application,
    fields: list[str],
    files: dict[str, tuple[str, CheckedFile]],
    by: User,
) -> Application:
    """Write the typed ``fields`` of ``application`` (already set on it by the form) and add
    ``files`` ({field: (attachment kind, checked file)}). Compare-and-set on the state it was
    read in: if the office acted meanwhile (or it was withdrawn in another tab), StaleState."""
    locked = Application.objects.select_for_update().filter(pk=application.pk).first()
    if locked is None or locked.state != application.state or locked.state not in EDITABLE:
        raise services.StaleState(f"{application.state} -> save")
    now = timezone.now()
    application.updated_at = now
    update = [*fields, "updated_at"]
    if "passport_number" in fields:
        update.append("passport_hash")
    application.save(update_fields=update)
    for kind, checked in files.values():
        Attachment.objects.create(
            application=application,
            kind=kind,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            content=checked.content,
            uploaded_by=by,
            uploaded_at=now,
        )
    return application


@transaction.atomic
def delete_attachment(*, attachment: Attachment, by: User) -> None:
    """Remove a file while its application may still be changed."""
    application = Application.objects.select_for_update().get(pk=attachment.application_id)
    if application.state not in EDITABLE:
        raise services.StaleState(f"{application.state} -> delete attachment")
    attachment.delete()
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())


@dataclass(frozen=True)
class Missing:
    """One piece submission cannot go without: a field of the form, or a kind of file."""

    name: str
    label: str


REQUIRED_FILES = {
    Kind.VISA: (AttachmentKind.PASSPORT_PAGE, AttachmentKind.PHOTO),
    Kind.STAY_EXTENSION: (
        AttachmentKind.PASSPORT_PAGE,
        AttachmentKind.PHOTO,
        AttachmentKind.SUPPORTING,
    ),
    Kind.RESIDENCE_CARD: (
        AttachmentKind.PASSPORT_PAGE,
        AttachmentKind.PHOTO,
        AttachmentKind.SUPPORTING,
    ),
}
# The form field each kind of file is uploaded through.
FILE_FIELD = {
    AttachmentKind.PASSPORT_PAGE: "passport_page",
    AttachmentKind.PHOTO: "photo",
    AttachmentKind.SUPPORTING: "supporting",
}


def missing_pieces(application: Application) -> list[Missing]:
    """Everything submission still needs, in the form's order: every required field of the
    kind, then the required files."""
    missing = []
    required = set(required_fields(application))
    for name in FIELDS[application.kind]:
        if name in required and getattr(application, _attname(name)) in ("", None):
            missing.append(Missing(name, capfirst(Application._meta.get_field(name).verbose_name)))
    stored = set(application.attachments.values_list("kind", flat=True))
    for kind in REQUIRED_FILES[application.kind]:
        if kind not in stored:
            label = AttachmentKind(kind).label
            if kind == AttachmentKind.SUPPORTING:
                label = _("At least one supporting document")
            missing.append(Missing(FILE_FIELD[kind], str(label)))
    return missing


def _attname(name: str) -> str:
    return Application._meta.get_field(name).attname


def submit(*, application: Application, by: User) -> Application:
    """Send a complete draft to the office, or a completed one back after it asked for more;
    the working-day deadline starts again. Raises StaleState if it changed meanwhile."""
    to_state = State.RESUBMITTED if application.state == State.INFO_REQUESTED else State.SUBMITTED
    return services.transition(application, to_state, actor=by)


def withdraw(*, application: Application, by: User) -> Application:
    return services.transition(application, State.WITHDRAWN, actor=by)
