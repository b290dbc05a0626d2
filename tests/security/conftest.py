"""The world the security probes run in: the cast of tests/conftest.py, each logged in past
the second factor, and one object of every kind a route can point to, all belonging to Khách
sạn Hoàn Kiếm (rita, alice) in Phường Hoàn Kiếm (omar, cora)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guests.imports import services as imports
from guests.models import Declaration, RegisterClosing
from luutru.models import Beat, Role
from tests import factories as f
from tests.establishments.helpers import make_application
from tests.route_policy import FIXED_KWARGS, POLICY
from wards.models import FeedbackThread, Flag, FlagKind, Notice

# The guest every probe looks for where it must not be: in URLs, logs, raw markup.
GUEST_NAME = "Quách Thị Zyxwvu"
CITIZEN_NUMBER = "001190054321"
PASSPORT_NUMBER = "ZQ7654321"


@dataclass
class World:
    citizen: Declaration
    foreigner: Declaration
    application_pk: int
    flag: Flag
    notice: Notice
    thread: FeedbackThread
    beat: Beat
    batch_pk: int
    closing_pk: int
    spare_staff_pk: int
    immigration_application_pk: int = 0


@pytest.fixture
def world(establishment, rita, alice, omar) -> World:
    now = timezone.now()
    ward = establishment.ward
    citizen = f.make_declaration(
        establishment=establishment,
        by=rita,
        full_name=GUEST_NAME,
        document_number=CITIZEN_NUMBER,
        room="201",
    )
    foreigner = f.make_declaration(
        establishment=establishment,
        by=rita,
        kind="foreigner",
        full_name="MÜLLER Zyxwvu Anna",
        document_number=PASSPORT_NUMBER,
        nationality="DE",
        room="202",
    )
    spare = f.make_staff(establishment=establishment, username="spare-desk")
    return World(
        citizen=citizen,
        foreigner=foreigner,
        application_pk=make_application(ward=ward).pk,
        flag=Flag.objects.create(
            kind=FlagKind.MISSING,
            establishment=establishment,
            ward=ward,
            day=timezone.localdate() - timedelta(days=1),
            raised_at=now,
        ),
        notice=f.make_notice(ward=ward, author=omar),
        thread=f.make_feedback_thread(establishment=establishment, by=rita),
        beat=Beat.objects.create(ward=ward, name="Khu vực 1"),
        batch_pk=imports.create_import_batch(
            establishment=establishment,
            uploaded_by=rita,
            filename="guests.csv",
            content=b"kind,full_name\n",
        ).pk,
        closing_pk=RegisterClosing.objects.create(
            establishment=establishment,
            day=timezone.localdate() - timedelta(days=3),
            foreigners=0,
            citizens=0,
            late=0,
            closed_by=rita,
            closed_at=now,
        ).pk,
        spare_staff_pk=spare.staff.pk,
        immigration_application_pk=f.make_route_application(
            establishment=establishment, by=rita, elsewhere=False
        ).pk,
    )


@pytest.fixture
def clients(rita, alice, omar, cora, ivan, sam, admin_user) -> dict[str, Client]:
    """A client per member of the cast, past the second factor; "anonymous" too."""
    cast = {
        "rita": rita,
        "alice": alice,
        "omar": omar,
        "cora": cora,
        "ivan": ivan,
        "sam": sam,
        "root": admin_user,
    }
    result = {name: f.login(Client(), user) for name, user in cast.items()}
    result["anonymous"] = Client()
    return result


# --- every page, as every role ------------------------------------------------------------------

ROLE_OF = {
    "rita": Role.RECEPTIONIST,
    "alice": Role.OWNER,
    "omar": Role.WARD_OFFICER,
    "cora": Role.WARD_COMMANDER,
    "ivan": Role.IMMIGRATION_OFFICER,
    "sam": Role.SPONSOR,
    "root": Role.SITE_ADMIN,
}


def object_ids(world: World, establishment) -> dict[str, int]:
    """The id of each kind of object a route points to (see tests/route_policy.py)."""
    return {
        "declaration": world.citizen.pk,
        "application": world.application_pk,
        "staff": world.spare_staff_pk,
        "flag": world.flag.pk,
        "notice": world.notice.pk,
        "feedback thread": world.thread.pk,
        "establishment": establishment.pk,
        "beat": world.beat.pk,
        "import batch": world.batch_pk,
        "register closing": world.closing_pk,
        "immigration application": world.immigration_application_pk,
    }


def page_urls(who: str, world: World, establishment) -> list[tuple[str, str]]:
    """(route name, url) of every GET route the role may open, with its own objects."""
    ids = object_ids(world, establishment)
    role = ROLE_OF.get(who)
    urls = []
    for name, policy in POLICY.items():
        if "GET" not in policy.methods or name in ("logout", "admin:index"):
            continue
        if policy.who is not None and role not in policy.who:
            continue
        if policy.obj:
            urls.append((name, reverse(name, kwargs={"pk": ids[policy.obj]})))
        else:
            urls.append((name, reverse(name, kwargs=FIXED_KWARGS.get(name))))
    # A few pages again with what their links add to the query string.
    extra = {
        "rita": ["guests:desk", "?room=201"],
        "alice": ["guests:audit", "?late=no&sort=-filed&page=1"],
        "omar": ["wards:inbox", "?scope=ward"],
    }
    if who in extra:
        name, query = extra[who]
        urls.append((name, reverse(name) + query))
    return urls
