"""Checking and filing a CSV file of guests (the service, without Celery)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import translation

from guests.deadlines import LOCAL_TZ
from guests.imports import columns, parsing
from guests.imports import rows as import_rows
from guests.imports import services as imports
from guests.models import Declaration, DeclarationVersion, ImportBatch, ImportStatus
from tests import factories as f
from tests.guests.helpers import CITIZEN, FOREIGNER, make_csv, run, upload

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

# 10:00 in Hà Nội.
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)


def passport(n: int) -> dict[str, str]:
    # A name has no digits: n spelt with the letters A to J.
    name = "GUEST " + "".join(chr(ord("A") + int(digit)) for digit in str(n))
    return FOREIGNER | {"document_number": f"P{n:07d}", "full_name": name}


def test_a_good_file_files_every_row_with_its_deadline_and_late_mark(establishment, rita):
    batch = run(upload(establishment, rita, make_csv(FOREIGNER, CITIZEN)))

    assert batch.status == ImportStatus.FILED
    assert batch.filed == batch.total_rows == batch.processed_rows == 2
    foreigner = Declaration.objects.get(kind="foreigner")
    citizen = Declaration.objects.get(kind="citizen")
    assert foreigner.nationality == "DE"
    assert foreigner.full_name == "MÜLLER Anna Lena"
    assert foreigner.deadline == datetime(2026, 6, 15, 8, 0, tzinfo=LOCAL_TZ)
    assert foreigner.late is True
    assert citizen.birth_date.isoformat() == "1990-07-03"
    assert citizen.deadline == datetime(2026, 6, 15, 23, 0, tzinfo=LOCAL_TZ)
    assert citizen.late is False
    assert {d.filed_by for d in (foreigner, citizen)} == {rita}
    assert DeclarationVersion.objects.filter(number=1).count() == 2


def test_a_bad_row_anywhere_files_nothing_and_names_its_line_and_field(establishment, rita):
    rows = [passport(n) for n in range(5)]
    rows[3] = rows[3] | {"birth_date": "31/02/1990"}
    batch = run(upload(establishment, rita, make_csv(*rows)))

    assert batch.status == ImportStatus.FAILED
    assert Declaration.objects.count() == 0
    errors, count = imports.batch_errors(batch)
    # Header on line 1, so the fourth row is line 5.
    assert errors == [{"line": 5, "field": "birth_date", "message": "Enter a valid date."}]
    assert count == 1


def test_the_citizen_number_rules_of_the_desk_form_apply_to_each_row(establishment, rita):
    batch = run(upload(establishment, rita, make_csv(CITIZEN | {"sex": "F"})))

    errors, _ = imports.batch_errors(batch)
    assert errors[0]["field"] == "document_number"
    assert "male" in errors[0]["message"]


def test_a_future_arrival_is_refused_as_at_the_desk(establishment, rita):
    batch = run(upload(establishment, rita, make_csv(CITIZEN | {"arrival": "2026-06-15 18:00"})))

    errors, _ = imports.batch_errors(batch)
    assert errors[0]["field"] == "arrival"
    assert "future" in errors[0]["message"]


def test_only_the_first_200_errors_are_kept_with_the_full_count(establishment, rita):
    rows = [passport(n) | {"sex": "Q"} for n in range(250)]
    batch = run(upload(establishment, rita, make_csv(*rows)))

    errors, count = imports.batch_errors(batch)
    assert len(errors) == 200
    assert count == 250


def test_the_same_document_twice_in_the_file_is_an_error(establishment, rita):
    batch = run(upload(establishment, rita, make_csv(FOREIGNER, CITIZEN, FOREIGNER)))

    errors, _ = imports.batch_errors(batch)
    assert errors[0]["line"] == 4
    assert errors[0]["field"] == "document_number"
    assert "line 2" in errors[0]["message"]
    assert Declaration.objects.count() == 0


def test_a_document_already_staying_here_is_an_error(establishment, rita):
    run(upload(establishment, rita, make_csv(FOREIGNER)))
    batch = run(upload(establishment, rita, make_csv(CITIZEN, FOREIGNER)))

    assert batch.status == ImportStatus.FAILED
    errors, _ = imports.batch_errors(batch)
    assert errors[0]["line"] == 3
    assert "already staying" in errors[0]["message"]
    assert Declaration.objects.count() == 1


def test_a_semicolon_file_with_a_byte_order_mark_is_accepted(establishment, rita):
    content = make_csv(FOREIGNER, CITIZEN, delimiter=";", bom=True)
    batch = run(upload(establishment, rita, content))

    assert batch.status == ImportStatus.FILED
    assert Declaration.objects.count() == 2


def test_cells_that_look_like_formulas_are_kept_as_plain_text(establishment, rita):
    port = '=HYPERLINK("http://evil.example","Click")'
    batch = run(upload(establishment, rita, make_csv(FOREIGNER | {"entry_port": port})))

    assert batch.status == ImportStatus.FILED
    assert Declaration.objects.get().entry_port == port


def test_a_retried_job_files_nothing_twice(establishment, rita):
    content = make_csv(FOREIGNER, CITIZEN)
    batch = run(upload(establishment, rita, content))
    # As if the worker died after committing its guests, before the batch was marked filed
    # (the file is emptied with that mark, so it would still be there).
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING, content=content)
    again = run(batch)

    assert again.status == ImportStatus.FILED
    assert again.filed == 2
    assert Declaration.objects.count() == 2


def test_the_same_file_uploaded_twice_is_refused_pointing_at_the_first(establishment, rita):
    first = upload(establishment, rita, make_csv(FOREIGNER))
    with pytest.raises(imports.ImportAlreadyUploaded) as caught:
        upload(establishment, rita, make_csv(FOREIGNER))
    assert caught.value.earlier == first


def test_a_refused_file_can_be_uploaded_again(establishment, rita):
    content = make_csv(FOREIGNER | {"sex": "Q"})
    run(upload(establishment, rita, content))

    assert upload(establishment, rita, content).status == ImportStatus.QUEUED


def test_another_establishment_may_upload_the_same_file(establishment, other_establishment, rita):
    ron = f.make_staff(establishment=other_establishment)
    run(upload(establishment, rita, make_csv(FOREIGNER)))
    batch = run(upload(other_establishment, ron, make_csv(FOREIGNER)))

    assert batch.status == ImportStatus.FILED
    assert Declaration.objects.filter(establishment=other_establishment).count() == 1


def test_too_many_rows_is_a_clear_error(establishment, rita, monkeypatch):
    monkeypatch.setattr(import_rows, "MAX_ROWS", 2)
    batch = run(upload(establishment, rita, make_csv(passport(1), passport(2), passport(3))))

    errors, _ = imports.batch_errors(batch)
    assert "at most 2" in errors[0]["message"]


def test_a_file_that_is_not_utf8_is_a_clear_error(establishment, rita):
    content = make_csv(FOREIGNER | {"full_name": "MÜLLER Anna"}).decode().encode("latin-1")
    batch = run(upload(establishment, rita, content))

    errors, _ = imports.batch_errors(batch)
    assert "UTF-8" in errors[0]["message"]


def test_a_header_missing_a_column_is_a_clear_error():
    with pytest.raises(parsing.ImportFileError) as caught:
        parsing.check_file(b"kind,full_name\nforeigner,A\n")
    assert "room" in caught.value.message
    assert caught.value.line == 1


def test_the_template_unchanged_is_refused_and_files_nothing(establishment, rita):
    content = columns.template_csv().encode()
    with pytest.raises(parsing.ImportFileError) as caught:
        parsing.check_file(content)
    assert "example guests" in caught.value.message

    batch = run(upload(establishment, rita, content))
    assert batch.status == ImportStatus.FAILED
    errors, _count = imports.batch_errors(batch)
    assert [(e["line"], e["field"]) for e in errors] == [(2, ""), (3, "")]
    assert "example guest of the template" in errors[0]["message"]
    assert not Declaration.objects.exists()


def test_the_template_with_its_examples_replaced_is_a_valid_file(establishment):
    text = columns.template_csv()
    text = text.replace("MÜLLER Anna Lena", "O'Brien Jean-Luc").replace("Nguyễn Văn An", "Ánh")
    parsing.check_file(text.encode())
    result = import_rows.check_rows(content=text.encode(), establishment=establishment)

    assert result.errors == []
    assert len(result.rows) == 2


def test_an_example_row_left_among_real_guests_is_refused(establishment, rita):
    example = columns.template_csv().splitlines()[1]
    content = make_csv(CITIZEN) + (example + "\r\n").encode()
    parsing.check_file(content)  # not the examples alone: refused by line, below
    batch = run(upload(establishment, rita, content))

    errors, _count = imports.batch_errors(batch)
    assert [(e["line"], e["field"]) for e in errors] == [(3, "")]
    assert not Declaration.objects.exists()


@pytest.mark.parametrize(
    ("column", "value"), [("full_name", "@SUM(A1:A9)"), ("room", "=1+1"), ("full_name", "An 2")]
)
def test_what_cannot_be_a_name_or_a_room_is_refused(establishment, rita, column, value):
    batch = run(upload(establishment, rita, make_csv(CITIZEN | {column: value})))

    errors, _count = imports.batch_errors(batch)
    assert [(e["line"], e["field"]) for e in errors] == [(2, column)]
    assert not Declaration.objects.exists()


def test_an_entry_date_after_the_arrival_is_refused(establishment, rita):
    row = FOREIGNER | {"entry_date": "2026-06-15"}  # arrival 2026-06-14 20:00
    batch = run(upload(establishment, rita, make_csv(row)))

    errors, _count = imports.batch_errors(batch)
    assert errors == [
        {
            "line": 2,
            "field": "entry_date",
            "message": "The date of entry cannot be after the arrival (14/06/2026).",
        }
    ]
    ok = run(upload(establishment, rita, make_csv(FOREIGNER | {"entry_date": "14/06/2026"})))
    assert ok.status == ImportStatus.FILED


def test_the_errors_are_read_in_the_readers_language_whoever_uploaded(establishment, rita):
    run(upload(establishment, rita, make_csv(FOREIGNER)))
    rows = [CITIZEN | {"birth_date": "31/02/1990"}, FOREIGNER, CITIZEN, CITIZEN]
    batch = imports.create_import_batch(
        establishment=establishment,
        uploaded_by=rita,
        filename="guests.csv",
        content=make_csv(*rows),
    )
    batch = imports.run_import(batch_id=batch.pk, language="vi")

    def read(language: str) -> list[str]:
        with translation.override(language):
            return [error["message"] for error in imports.batch_errors(batch)[0]]

    assert read("en") == [
        "Enter a valid date.",
        "A guest with this document is already staying here: check them out first, or "
        "check the number.",
        "The same document is on line 4 too.",
    ]
    with translation.override("vi"):
        expected = [
            translation.gettext("Enter a valid date."),
            translation.gettext(
                "A guest with this document is already staying here: check them out first, or "
                "check the number."
            ),
            translation.gettext("The same document is on line %(line)d too.") % {"line": 4},
        ]
    assert read("vi") == expected
    assert all(vi != en for vi, en in zip(read("vi"), read("en"), strict=True))


def test_a_file_level_error_is_read_in_the_readers_language(establishment, rita):
    content = b"kind,full_name\nforeigner,ANNA\n"
    batch = imports.create_import_batch(
        establishment=establishment, uploaded_by=rita, filename="guests.csv", content=content
    )
    batch = imports.run_import(batch_id=batch.pk, language="en")
    with translation.override("vi"):
        (error,) = imports.batch_errors(batch)[0]
        assert error["message"].startswith(
            translation.gettext("The header lacks these columns: %(columns)s.").split("%")[0]
        )
        assert "sex" in error["message"]
    with translation.override("en"):
        (error,) = imports.batch_errors(batch)[0]
        assert error["message"].startswith("The header lacks these columns: sex,")


def test_a_length_limit_error_is_written_in_both_languages(establishment, rita):
    """A plural message (Django's length limit) keeps its text once stored for every reader."""
    batch = run(upload(establishment, rita, make_csv(CITIZEN | {"room": "1" * 300})))
    for language in ("en", "vi"):
        with translation.override(language):
            (error,) = imports.batch_errors(batch)[0]
            assert error["field"] == "room"
            assert error["message"] and "300" in error["message"], (language, error)
