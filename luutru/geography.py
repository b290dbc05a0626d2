"""Workflows that write the geography: the official list of provinces and wards, a ward's
settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from luutru.models import Province, User, Ward, WardSettingsChange

_IMPORTED_FIELDS = ["name", "division_type", "codename"]


@dataclass(frozen=True)
class ImportCounts:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _upsert(model, incoming: list, fields: list[str]) -> ImportCounts:
    """Insert the rows whose code is new, update those that differ, leave the others alone.

    Rows are matched by `code`; only the listed fields are written, so what is set in the
    portal (a ward's `remote` flag) survives a re-import. The upsert is one INSERT ... ON
    CONFLICT per batch, which also keeps two concurrent imports from tripping over each other.
    """
    existing = {
        row[0]: row[1:] for row in model.objects.values_list("code", *[_column(f) for f in fields])
    }
    changed = []
    created = updated = 0
    for obj in incoming:
        values = tuple(getattr(obj, _column(f)) for f in fields)
        old = existing.get(obj.code)
        if old is None:
            created += 1
        elif old != values:
            updated += 1
        else:
            continue
        changed.append(obj)
    if changed:
        model.objects.bulk_create(
            changed,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=fields,
        )
    return ImportCounts(created, updated, len(incoming) - created - updated)


def _column(field: str) -> str:
    return "province_id" if field == "province" else field


@transaction.atomic
def import_wards() -> tuple[ImportCounts, ImportCounts]:
    """Load the official list of provinces and wards (the two-level list in force since
    1 July 2025) from the `vietnam-provinces` package. Re-runnable: returns the counts of
    provinces and of wards created, updated and unchanged."""
    from vietnam_provinces import Province as OfficialProvince
    from vietnam_provinces import Ward as OfficialWard

    provinces = _upsert(
        Province,
        [
            Province(
                code=int(p.code),
                name=p.name,
                division_type=p.division_type.value,
                codename=p.codename,
            )
            for p in OfficialProvince.iter_all()
        ],
        _IMPORTED_FIELDS,
    )
    province_ids = dict(Province.objects.values_list("code", "id"))
    wards = _upsert(
        Ward,
        [
            Ward(
                code=int(w.code),
                name=w.name,
                division_type=w.division_type.value,
                codename=w.codename,
                province_id=province_ids[int(w.province_code)],
            )
            for w in OfficialWard.iter_all()
        ],
        [*_IMPORTED_FIELDS, "province"],
    )
    return provinces, wards


@transaction.atomic
def set_ward_remote(*, ward: Ward, remote: bool, by: User) -> bool:
    """Mark a ward as a remote area or not (Law 47/2014, art. 33: foreigners are then declared
    within 24 hours instead of 12) and record who did it. Returns whether anything changed."""
    # Locked, so that two commanders saving at once leave one change row each, in order.
    current = Ward.objects.select_for_update().get(pk=ward.pk)
    ward.remote = remote
    if current.remote == remote:
        return False
    current.remote = remote
    current.save(update_fields=["remote"])
    WardSettingsChange.objects.create(ward=current, remote=remote, changed_by=by)
    return True
