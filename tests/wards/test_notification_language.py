"""In-app notifications of notices and feedback are written in each recipient's language."""

from __future__ import annotations

import pytest
from django.utils import timezone

from wards.comm import services as comm
from wards.models import Notification

pytestmark = pytest.mark.django_db


def subjects(users) -> dict[str, str]:
    rows = Notification.objects.filter(recipient__in=users).select_related("recipient")
    return {n.recipient.username: n.subject for n in rows}


def test_a_notice_reaches_each_reader_in_their_language(ward, establishment, alice, rita, omar):
    alice.language = "en"
    alice.save(update_fields=["language"])

    comm.publish_notice(
        ward=ward,
        author=omar,
        category="advisory",
        title="Kiểm tra PCCC",
        body="Ngày 10/12.",
        establishments=None,
        at=timezone.now(),
    )

    written = subjects([alice, rita])
    assert written[alice.username] == "Notice from the ward police: Kiểm tra PCCC"
    assert written[rita.username] == "Bản tin của Công an phường, xã: Kiểm tra PCCC"


def test_a_closed_thread_tells_the_establishment_in_its_language(establishment, alice, rita, omar):
    rita.language = "en"
    rita.save(update_fields=["language"])
    now = timezone.now()
    thread = comm.open_feedback_thread(
        establishment=establishment,
        by=alice,
        category="question",
        subject="Wi-Fi",
        body="?",
        at=now,
    )
    comm.close_feedback_thread(thread=thread, by=omar, at=now)

    closed = Notification.objects.filter(subject__contains="Wi-Fi", recipient=rita).get()
    assert closed.subject == "The ward police closed: Wi-Fi"
    assert closed.body == "Reply in the thread to reopen it."
    in_vietnamese = Notification.objects.filter(subject__contains="Wi-Fi", recipient=alice).get()
    assert in_vietnamese.body != closed.body
