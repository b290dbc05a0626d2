"""Rows and requests for the registration tests."""

from __future__ import annotations

import re

from establishments.models import Application, Kind
from luutru.models import Ward

LINK = re.compile(r"https?://\S+/accounts/password/set/\S+/")


def application_data(ward: Ward, /, **overrides) -> dict:
    """What an applicant types into the form."""
    data = {
        "name": "Khách sạn  Hoa Sen",
        "kind": Kind.HOTEL,
        "star_rating": "3",
        "address": " 12  Hàng Bạc ",
        "ward": str(ward.pk),
        "business_registration_number": "0101234567",
        "room_count": "24",
        "owner_name": "Nguyễn  Thị Lan",
        "owner_phone": "+84 912.345.678",
        "owner_email": "lan@Example.VN",
    }
    data.update(overrides)
    return data


def make_application(*, ward: Ward, **fields) -> Application:
    fields.setdefault("name", "Nhà nghỉ Hoa Sen")
    fields.setdefault("kind", Kind.GUESTHOUSE)
    fields.setdefault("address", "5 Hàng Bè")
    fields.setdefault("business_registration_number", "0101234567")
    fields.setdefault("room_count", 12)
    fields.setdefault("owner_name", "Trần Văn Minh")
    fields.setdefault("owner_phone", "0912345678")
    fields.setdefault("owner_email", "minh@example.vn")
    return Application.objects.create(ward=ward, **fields)


def links_in(body: str) -> list[str]:
    return LINK.findall(body)
