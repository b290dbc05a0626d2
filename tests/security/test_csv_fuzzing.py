"""The CSV import fed what a property-management system, a spreadsheet or an attacker might
upload: random bytes, other encodings, byte order marks, odd delimiters, ragged rows, huge
fields, quotes and newlines in cells, formula-like cells. The reading functions raise nothing
but ImportFileError, the upload page never breaks, and a bad file comes back as errors with
a line and a column, never as a server error."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from guests.deadlines import to_local
from guests.imports import columns, parsing
from guests.imports import rows as import_rows
from guests.imports import services as imports
from guests.models import Declaration, ImportBatch, ImportStatus
from tests import factories as f

from .probe import FUZZ, isolated, scaled, send

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1258", "cp1252"]
DELIMITERS = [",", ";", "\t", "|", " "]
FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "=cmd|' /C calc'!A0",
    "\t=1",
    "\r=1",
]
CELL = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.sampled_from(FORMULAS),
    st.sampled_from(['"', '""', 'a"b', "a\nb", "a\r\nb", "\x00", "\ufeff", "ﾠ", "é" * 5000]),
    st.sampled_from(["foreigner", "citizen", "FOREIGNER", "DE", "DEU", "XXA", "M", "F", "X"]),
    st.sampled_from(["2026-01-01", "31/12/9999", "0001-01-01 00:00", "9999-12-31 23:59"]),
)


def _local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def valid_rows() -> list[dict[str, str]]:
    now = timezone.now()
    stay = {
        "arrival": _local(now - timedelta(hours=1)),
        "expected_departure": _local(now + timedelta(days=2)),
    }
    return [
        {
            "kind": "foreigner",
            "full_name": "MÜLLER Anna",
            "sex": "F",
            "birth_date": "1988-04-12",
            "nationality": "DEU",
            "document_number": "C01X00T47",
            "room": "101",
            **stay,
        },
        {
            "kind": "citizen",
            "full_name": "Nguyễn Văn An",
            "sex": "M",
            "birth_date": "03/07/1990",
            "document_number": "001090012345",
            "reason": "Công tác",
            # Not the template's example guest (room 102), which is refused.
            "room": "103",
            **stay,
        },
    ]


def to_csv(rows: list[dict[str, str]], *, header: list[str], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()


@st.composite
def csv_files(draw) -> bytes:
    """A file that is nearly right: the valid rows spoiled here and there, in some encoding,
    with some delimiter, header and line endings."""
    header = list(columns.COLUMN_NAMES)
    how = draw(st.sampled_from(["keep", "shuffle", "drop", "extra", "case"]))
    if how == "shuffle":
        header = draw(st.permutations(header))
    elif how == "drop":
        header = [n for n in header if n != draw(st.sampled_from(header))]
    elif how == "extra":
        header = [*header, draw(st.sampled_from(["notes", "", "kind", "=1", "x" * 300]))]
    elif how == "case":
        header = [f" {n.upper()} " for n in header]
    rows = []
    for row in valid_rows() * draw(st.integers(0, 3)):
        row = dict(row)
        for name in draw(st.lists(st.sampled_from(header), max_size=4)):
            row[name] = draw(CELL)
        rows.append(row)
    text = to_csv(rows, header=header, delimiter=draw(st.sampled_from(DELIMITERS)))
    if draw(st.booleans()):
        # A ragged line: too many or too few cells.
        text += draw(
            st.sampled_from(["a,b\r\n", ",,,,,,,,,,,,,,,,,,,,,,\r\n", "\r\n\r\n", '"\r\n'])
        )
    text = text.replace("\r\n", draw(st.sampled_from(["\r\n", "\n", "\r"])))
    encoding = draw(st.sampled_from(ENCODINGS))
    return text.encode(encoding, errors="replace")


RANDOM_BYTES = st.one_of(
    st.binary(max_size=400),
    st.binary(max_size=40).map(lambda b: b"kind,full_name\n" + b),
    st.binary(max_size=40).map(lambda b: b"\xef\xbb\xbf" + b),
    st.sampled_from([b"", b"\n", b"\x00" * 50, b"\xff\xfe", b"\xef\xbb\xbf", b",;,;,;\n"]),
)


@settings(FUZZ, max_examples=scaled(150))
@given(content=st.one_of(RANDOM_BYTES, csv_files()))
def test_reading_a_file_raises_nothing_but_an_import_file_error(content):
    try:
        parsing.check_file(content)
    except parsing.ImportFileError as e:
        assert e.message
        assert e.line in (None, 1)


def check_errors(errors: list[dict]) -> None:
    for error in errors:
        assert set(error) == {"line", "field", "message"}, error
        assert error["line"] is None or error["line"] >= 1, error
        assert error["field"] in ("", *columns.COLUMN_NAMES), error
        assert isinstance(error["message"], str) and error["message"], error


def test_checking_random_files_gives_errors_with_a_line_and_a_column(establishment, db):
    seen = {"errors": 0, "clean": 0}

    @settings(FUZZ, max_examples=scaled(60))
    @given(content=st.one_of(RANDOM_BYTES, csv_files(), csv_files()))
    def check(content):
        with isolated():
            result = import_rows.check_rows(content=content, establishment=establishment)
        check_errors(result.errors)
        seen["errors" if result.errors else "clean"] += 1
        if not result.errors:
            assert len(result.rows) == result.total

    check()
    assert seen["errors"]  # the generator does reach the row checks


def test_a_bad_row_is_reported_on_its_line_and_column(establishment):
    rows = valid_rows()
    rows[1] = {**rows[1], "birth_date": "31/02/1990"}
    rows.append({**rows[0], "room": "", "document_number": "C01X00T48"})
    content = to_csv(rows, header=list(columns.COLUMN_NAMES)).encode()
    result = import_rows.check_rows(content=content, establishment=establishment)
    assert {(e["line"], e["field"]) for e in result.errors} == {(3, "birth_date"), (4, "room")}


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1", "cp1258"])
def test_another_encoding_is_one_error_without_a_line(establishment, encoding):
    text = to_csv(valid_rows(), header=list(columns.COLUMN_NAMES))
    content = text.encode(encoding, errors="replace")
    result = import_rows.check_rows(content=content, establishment=establishment)
    assert len(result.errors) == 1 and result.errors[0]["line"] is None
    assert "UTF-8" in result.errors[0]["message"]


def test_a_long_cell_is_an_error_of_its_column(establishment):
    rows = valid_rows()
    rows[0]["full_name"] = "A" * 100_000
    rows[1]["room"] = "1" * 100_000
    content = to_csv(rows, header=list(columns.COLUMN_NAMES)).encode()
    result = import_rows.check_rows(content=content, establishment=establishment)
    assert {(e["line"], e["field"]) for e in result.errors} == {(2, "full_name"), (3, "room")}


def test_a_cell_past_the_csv_field_limit_is_an_error_of_its_line(establishment):
    # Past 128 KiB the csv module refuses to read the cell at all.
    rows = valid_rows()
    rows[1]["full_name"] = "A" * 1_000_000
    content = to_csv(rows, header=list(columns.COLUMN_NAMES)).encode()
    result = import_rows.check_rows(content=content, establishment=establishment)
    assert [(e["line"], e["field"]) for e in result.errors] == [(3, "")]


def test_a_file_with_old_mac_line_endings_is_read(establishment):
    text = to_csv(valid_rows(), header=list(columns.COLUMN_NAMES)).replace("\r\n", "\r")
    parsing.check_file(text.encode())
    result = import_rows.check_rows(content=text.encode(), establishment=establishment)
    assert not result.errors and result.total == 2


def test_a_header_past_the_csv_field_limit_is_an_error_of_line_1(clients):
    content = b'kind,"' + b"x" * 200_000 + b'"\n'
    with pytest.raises(parsing.ImportFileError) as error:
        parsing.check_file(content)
    assert error.value.line == 1
    upload = SimpleUploadedFile("g.csv", content, content_type="text/csv")
    response = send(clients["rita"], "POST", reverse("guests:import"), {"file": upload})
    assert response.status_code == 200
    # The page speaks the portal's default language, Vietnamese.
    with translation.override("vi"):
        message = translation.gettext("This line cannot be read as CSV: a cell is far too long.")
    assert message != "This line cannot be read as CSV: a cell is far too long."
    assert escape(message) in response.content.decode()


def test_random_uploads_never_break_the_upload_or_the_batch_pages(clients, establishment):
    client = clients["rita"]
    url = reverse("guests:import")

    @settings(FUZZ, max_examples=scaled(25))
    @given(
        content=st.one_of(RANDOM_BYTES, csv_files()),
        name=st.sampled_from(
            ["guests.csv", "", "../../etc/passwd", "<b>x</b>.csv", "x" * 400, "a\x00b.csv"]
        ),
    )
    def upload(content, name):
        with isolated(client):
            upload = SimpleUploadedFile(name or "f", content, content_type="text/csv")
            response = send(client, "POST", url, {"file": upload})
            if response.status_code != 302:
                return
            batch = ImportBatch.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
            imports.run_import(batch_id=batch.pk)
            batch.refresh_from_db()
            assert batch.status in (ImportStatus.FILED, ImportStatus.FAILED)
            errors, _count = imports.batch_errors(batch)
            check_errors(errors)
            send(client, "GET", response["Location"])
            send(client, "GET", reverse("guests:import_progress", args=[batch.pk]))

    upload()


def test_formula_like_cells_are_filed_as_plain_text(establishment, rita):
    rows = valid_rows()
    rows[0]["entry_port"] = FORMULAS[0]
    rows[1]["reason"] = "@SUM(A1)"
    content = to_csv(rows, header=list(columns.COLUMN_NAMES)).encode()
    batch = imports.create_import_batch(
        establishment=establishment, uploaded_by=rita, filename="g.csv", content=content
    )
    batch = imports.run_import(batch_id=batch.pk)
    assert batch.status == ImportStatus.FILED, imports.batch_errors(batch)
    assert Declaration.objects.get(kind="foreigner").entry_port == FORMULAS[0]
    assert Declaration.objects.get(kind="citizen").reason == "@SUM(A1)"


def test_formula_like_names_and_rooms_are_refused(establishment, rita):
    rows = valid_rows()
    rows[0]["full_name"] = FORMULAS[0]
    rows[1]["room"] = "=1+2"
    content = to_csv(rows, header=list(columns.COLUMN_NAMES)).encode()
    batch = imports.create_import_batch(
        establishment=establishment, uploaded_by=rita, filename="g.csv", content=content
    )
    batch = imports.run_import(batch_id=batch.pk)
    assert batch.status == ImportStatus.FAILED
    errors, _count = imports.batch_errors(batch)
    assert [(e["line"], e["field"]) for e in errors] == [(2, "full_name"), (3, "room")]
    assert not Declaration.objects.exists()


def test_an_upload_with_no_file_or_two_files_is_a_form_error(clients, establishment):
    client = clients["rita"]
    url = reverse("guests:import")
    assert send(client, "POST", url, {}).status_code == 200
    assert send(client, "POST", url, {"file": "not a file"}).status_code == 200
    files = [SimpleUploadedFile(n, b"kind\n", content_type="text/csv") for n in ("a", "b")]
    response = send(client, "POST", url, {"file": files})
    assert response.status_code in (200, 302)
    assert not Declaration.objects.exists()


def test_a_receptionist_of_another_establishment_gets_no_batch(clients, establishment, ron):
    content = to_csv(valid_rows(), header=list(columns.COLUMN_NAMES)).encode()
    response = send(
        clients["rita"],
        "POST",
        reverse("guests:import"),
        {"file": SimpleUploadedFile("g.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 302
    other = f.login(Client(), ron)
    assert send(other, "GET", response["Location"]).status_code == 404
