"""Reading (and writing) the machine readable zone of passports and identity cards.

Written from ICAO Doc 9303, 8th edition: Part 3 (check digits, character set, codes), Part 4
(TD3, the passport: 2 lines of 44 characters) and Part 5 (TD1, the identity card: 3 lines of
30). TD2 and the visa zones (MRV-A/B) are refused with a message saying so.

What a receptionist pastes, or a keyboard-emulating scanner types, is tolerated: surrounding or
stray whitespace, control characters sent by scanners, lowercase, CRLF, the lines run together
into one string of 88 or 90 characters. Nothing else is guessed: no O-for-0 repairs, because
every guess could turn a misread zone into a wrong identity that still passes its check digits.

Every check digit is verified. What the check digits cannot catch, and so neither can we:

- TD3 line 1 (type, issuing state, names), the nationality and the sex are covered by no check
  digit at all, and TD1 line 3 (names) neither.
- The 7-3-1 scheme works modulo 10, so two characters whose values differ by a multiple of 10
  are interchangeable: '<', '0', 'A', 'K' and 'U' are all worth 0 mod 10 ('1', 'B', 'L', 'V'
  are all worth 1, and so on). "L898902C<" and "L898902C0" have the same check digit.

Two-digit years are resolved against ``today`` (the local date in Viet Nam unless given):

- date of birth: the latest century that does not put the birth in the future, so a guest is
  never older than 99 years and 364 days (ICAO states the same ambiguity; a centenarian's
  declaration has to be corrected by hand);
- date of expiry: the century that puts the date no more than 50 years before and less than
  50 years after today (in 2026: 76-99 are 1976-1999, 00-75 are 2000-2075). Passports are
  issued for at most ten years, so this is never ambiguous for a real document.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guests.deadlines import local_today
from guests.nationalities import country_for_code

FILLER = "<"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
# Doc 9303 Part 3, 4.9: digits are worth themselves, A..Z 10..35, the filler 0.
_VALUES = {char: value for value, char in enumerate(ALPHABET[:-1])} | {FILLER: 0}
_WEIGHTS = (7, 3, 1)


TD1_LINE_LENGTH, TD1_LINES = 30, 3
TD3_LINE_LENGTH, TD3_LINES = 44, 2

Field = Literal[
    "document_type",
    "issuing_state",
    "document_number",
    "nationality",
    "names",
    "birth_date",
    "sex",
    "expiry_date",
    "personal_number",
    "optional_data",
    "composite",
]

_CHECK_DIGIT_MESSAGES: dict[str, Promise] = {
    "document_number": _("The document number does not match its check digit."),
    "birth_date": _("The date of birth does not match its check digit."),
    "expiry_date": _("The date of expiry does not match its check digit."),
    "personal_number": _("The personal number does not match its check digit."),
    "composite": _(
        "The composite check digit at the end of the zone does not match: "
        "a character of the zone was probably misread."
    ),
}


class MRZError(ValueError):
    """A zone that cannot be read, or whose check digits do not add up.

    ``field`` names the part of the zone at fault (None when the input as a whole is wrong,
    e.g. its length); ``code`` is "check_digit", "format", "length" or "characters". ``message``
    and ``params`` are kept apart, like Django's ValidationError, so that the message is
    translated when it is shown, not when it is raised.
    """

    def __init__(
        self,
        message: Promise | str,
        *,
        field: Field | None = None,
        code: str = "format",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.message = message
        self.field = field
        self.code = code
        self.params = dict(params or {})
        super().__init__(str(self))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


@dataclass(frozen=True, slots=True)
class MRZData:
    format: Literal["TD1", "TD3"]
    document_type: str  # "P", "PD", "I", "ID", "AC"...: fillers stripped
    issuing_state: str  # the code as printed, fillers stripped ("UTO", "D")
    surname: str  # the primary identifier, "<" turned to spaces
    given_names: str  # the secondary identifier, "" when the holder has none
    document_number: str
    nationality_code: str  # the code as printed, fillers stripped ("VNM", "D", "XXA")
    nationality: str | None  # ISO 3166-1 alpha-2, None for UN, stateless, unknown codes...
    birth_date: date
    sex: Literal["M", "F", "X"]
    expiry_date: date
    personal_number: str  # TD3 personal number or TD1 optional data 1, trailing fillers stripped
    optional_data: str = ""  # TD1 optional data 2 (line 2), trailing fillers stripped


def compute_check_digit(data: str) -> str:
    """The Doc 9303 check digit of ``data`` (Part 3, 4.9): weights 7, 3, 1 repeated, mod 10."""
    try:
        total = sum(_VALUES[char] * _WEIGHTS[i % 3] for i, char in enumerate(data))
    except KeyError as e:
        raise ValueError(f"{e.args[0]!r} is not an MRZ character") from None
    return str(total % 10)


def parse_mrz(text: str, *, today: date | None = None) -> MRZData:
    """Read a TD3 (passport) or TD1 (identity card) zone; raise MRZError if it does not add up."""
    if today is None:
        today = local_today()
    lines = _normalise(text)
    if len(lines[0]) == TD3_LINE_LENGTH:
        return _parse_td3(lines, today)
    return _parse_td1(lines, today)


# --- Input -----------------------------------------------------------------------------------


def _normalise(text: str) -> list[str]:
    """Split the input into the zone's lines, after dropping whatever a paste or scanner adds."""
    raw_lines = []
    for raw_line in text.splitlines():
        kept = []
        for char in raw_line:
            if char.isspace() or unicodedata.category(char) == "Cc":
                continue
            # Checked before upper-casing: "ß".upper() is "SS", which would hide the culprit.
            if not (char.isascii() and (char.isalnum() or char == FILLER)):
                raise MRZError(
                    _('"%(char)s" cannot appear in a machine readable zone.'),
                    code="characters",
                    params={"char": char},
                )
            kept.append(char.upper())
        if kept:
            raw_lines.append("".join(kept))

    zone = "".join(raw_lines)
    if not zone:
        raise MRZError(_("The machine readable zone is empty."), code="length")
    if len(zone) == 72:
        raise MRZError(
            _(
                "This looks like a two-line zone of 36 characters (TD2), which is not "
                "supported: enter the document by hand."
            ),
            code="length",
        )

    if len(raw_lines) in (TD3_LINES, TD1_LINES):
        # Typed as lines: each must have the length of its format. Cutting the run-together
        # text at fixed lengths instead would turn a dropped character into a confusing
        # check digit error several fields further on.
        line_length = TD3_LINE_LENGTH if len(raw_lines) == TD3_LINES else TD1_LINE_LENGTH
        for number, line in enumerate(raw_lines, start=1):
            if len(line) != line_length:
                raise MRZError(
                    _("Line %(line)d has %(count)d characters instead of %(expected)d."),
                    code="length",
                    params={"line": number, "count": len(line), "expected": line_length},
                )
        return raw_lines

    # One run-together string (or a scanner's odd line breaks): known by its total length.
    if len(zone) == TD3_LINES * TD3_LINE_LENGTH:
        line_length = TD3_LINE_LENGTH
    elif len(zone) == TD1_LINES * TD1_LINE_LENGTH:
        line_length = TD1_LINE_LENGTH
    else:
        raise MRZError(
            _(
                "A machine readable zone has 2 lines of 44 characters (passport) or 3 lines of "
                "30 (identity card); this one has %(count)d characters."
            ),
            code="length",
            params={"count": len(zone)},
        )
    return [zone[i : i + line_length] for i in range(0, len(zone), line_length)]


# --- The two formats -------------------------------------------------------------------------


def _parse_td3(lines: list[str], today: date) -> MRZData:
    line1, line2 = lines
    # Doc 9303 Part 4, 4.2.2: positions below are 0-based slices of each line.
    document_number, document_check = line2[0:9], line2[9]
    birth, birth_check = line2[13:19], line2[19]
    expiry, expiry_check = line2[21:27], line2[27]
    personal, personal_check = line2[28:42], line2[42]

    if line1[0] != "P":
        if line1[0] == "V":
            raise MRZError(
                _("This is the zone of a visa; scan the passport's zone instead."),
                field="document_type",
            )
        raise MRZError(
            _("A passport's zone starts with P, not %(char)s."),
            field="document_type",
            params={"char": line1[0]},
        )

    _verify("document_number", document_number, document_check)
    _verify("birth_date", birth, birth_check)
    _verify("expiry_date", expiry, expiry_check)
    # Part 4, note to 4.2.2: an unused personal number may have a filler as its check digit.
    if not (personal_check == FILLER and personal == FILLER * len(personal)):
        _verify("personal_number", personal, personal_check)
    _verify("composite", line2[0:10] + line2[13:20] + line2[21:43], line2[43])

    nationality_code = _state_code(line2[10:13], "nationality")
    return MRZData(
        format="TD3",
        document_type=_document_type(line1[0:2]),
        issuing_state=_state_code(line1[2:5], "issuing_state"),
        **_names(line1[5:44]),
        document_number=_document_number(document_number),
        nationality_code=nationality_code,
        nationality=country_for_code(nationality_code),
        birth_date=_birth_date(birth, today),
        sex=_sex(line2[20]),
        expiry_date=_expiry_date(expiry, today),
        personal_number=personal.rstrip(FILLER),
    )


def _parse_td1(lines: list[str], today: date) -> MRZData:
    line1, line2, line3 = lines
    # Doc 9303 Part 5, 4.2.2.
    document_number, document_check = line1[5:14], line1[14]
    optional_1 = line1[15:30]
    birth, birth_check = line2[0:6], line2[6]
    expiry, expiry_check = line2[8:14], line2[14]

    if line1[0] not in "IAC":
        raise MRZError(
            _("An identity card's zone starts with I, A or C, not %(char)s."),
            field="document_type",
            params={"char": line1[0]},
        )

    if document_check == FILLER:
        # Part 5, note j: a number longer than 9 characters goes on in the optional data,
        # followed by its check digit and a filler; position 15 holds a filler instead.
        extension, _sep, optional_1 = optional_1.partition(FILLER)
        if len(extension) < 2 or len(document_number.rstrip(FILLER)) != 9:
            raise MRZError(_("The document number has no check digit."), field="document_number")
        document_number, document_check = document_number + extension[:-1], extension[-1]
    _verify("document_number", document_number, document_check)
    _verify("birth_date", birth, birth_check)
    _verify("expiry_date", expiry, expiry_check)
    _verify("composite", line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29], line2[29])

    nationality_code = _state_code(line2[15:18], "nationality")
    return MRZData(
        format="TD1",
        document_type=_document_type(line1[0:2]),
        issuing_state=_state_code(line1[2:5], "issuing_state"),
        **_names(line3),
        document_number=_document_number(document_number),
        nationality_code=nationality_code,
        nationality=country_for_code(nationality_code),
        birth_date=_birth_date(birth, today),
        sex=_sex(line2[7]),
        expiry_date=_expiry_date(expiry, today),
        personal_number=optional_1.rstrip(FILLER),
        optional_data=line2[18:29].rstrip(FILLER),
    )


# --- Fields ----------------------------------------------------------------------------------


def _verify(field: Field, data: str, check: str) -> None:
    if not check.isdigit():
        raise MRZError(
            _("The check digit of the %(field)s is “%(char)s”, not a digit."),
            field=field,
            code="check_digit",
            params={"field": _FIELD_NAMES[field], "char": check},
        )
    if compute_check_digit(data) != check:
        raise MRZError(_CHECK_DIGIT_MESSAGES[field], field=field, code="check_digit")


_FIELD_NAMES: dict[str, Promise] = {
    "document_number": _("document number"),
    "birth_date": _("date of birth"),
    "expiry_date": _("date of expiry"),
    "personal_number": _("personal number"),
    "composite": _("whole zone"),
}


def _document_type(raw: str) -> str:
    if not re.fullmatch(r"[A-Z][A-Z<]", raw):
        raise MRZError(
            _("The document type %(value)s is not valid."),
            field="document_type",
            params={"value": raw},
        )
    return raw.rstrip(FILLER)


def _state_code(raw: str, field: Field) -> str:
    # Three letters, or fewer padded with fillers: Germany is "D<<".
    if not re.fullmatch(r"[A-Z]+<*", raw):
        message = (
            _("The issuing state's code %(value)s is not valid.")
            if field == "issuing_state"
            else _("The nationality code %(value)s is not valid.")
        )
        raise MRZError(message, field=field, params={"value": raw})
    return raw.rstrip(FILLER)


def _names(raw: str) -> dict[str, str]:
    if not re.fullmatch(r"[A-Z<]*", raw) or raw == FILLER * len(raw):
        raise MRZError(
            _("The name field of the zone may hold only letters and “<”, and not be empty."),
            field="names",
        )
    primary, _sep, secondary = raw.partition(FILLER * 2)
    return {
        "surname": " ".join(part for part in primary.split(FILLER) if part),
        "given_names": " ".join(part for part in secondary.split(FILLER) if part),
    }


def _document_number(raw: str) -> str:
    if not re.fullmatch(r"[A-Z0-9]+<*", raw):
        raise MRZError(
            _("The document number %(value)s is not valid."),
            field="document_number",
            params={"value": raw},
        )
    return raw.rstrip(FILLER)


def _sex(raw: str) -> Literal["M", "F", "X"]:
    if raw == "M":
        return "M"
    if raw == "F":
        return "F"
    # "<" is Doc 9303's unspecified; some states print "X" instead.
    if raw in ("<", "X"):
        return "X"
    raise MRZError(_("The sex must be M, F or <, not %(char)s."), field="sex", params={"char": raw})


def _split_date(raw: str, field: Field) -> tuple[int, int, int]:
    if not re.fullmatch(r"[0-9]{6}", raw):
        message = (
            _("The date of birth %(value)s is not a date (YYMMDD).")
            if field == "birth_date"
            else _("The date of expiry %(value)s is not a date (YYMMDD).")
        )
        raise MRZError(message, field=field, params={"value": raw})
    return int(raw[0:2]), int(raw[2:4]), int(raw[4:6])


def _make_date(year: int, month: int, day: int, raw: str, field: Field) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        message = (
            _("The date of birth %(value)s does not exist.")
            if field == "birth_date"
            else _("The date of expiry %(value)s does not exist.")
        )
        raise MRZError(message, field=field, params={"value": raw}) from None


def _birth_date(raw: str, today: date) -> date:
    yy, month, day = _split_date(raw, "birth_date")
    # Compared as tuples, not dates: 29 February may exist in one century and not the other.
    century = 2000 if (2000 + yy, month, day) <= (today.year, today.month, today.day) else 1900
    return _make_date(century + yy, month, day, raw, "birth_date")


def _expiry_date(raw: str, today: date) -> date:
    yy, month, day = _split_date(raw, "expiry_date")
    earliest = today.year - 50
    return _make_date(earliest + (yy - earliest) % 100, month, day, raw, "expiry_date")


# --- Writing zones (tests, demo data) --------------------------------------------------------

_TRANSLITERATION = {
    # Doc 9303 Part 3, 6.A: letters that do not simply lose their accent.
    "Ä": "AE",
    "Æ": "AE",
    "Å": "AA",
    "Ö": "OE",
    "Ø": "OE",
    "Œ": "OE",
    "Ü": "UE",
    "ß": "SS",
    "Þ": "TH",
    "Đ": "D",
    "Ð": "D",
    "Ł": "L",
    "Ħ": "H",
    "Ŧ": "T",
    "'": "",
    "’": "",
}


def mrz_name(text: str) -> str:
    """A name as Doc 9303 writes it: A-Z, "<" between words ("Nguyễn Văn" is NGUYEN<VAN)."""
    text = "".join(_TRANSLITERATION.get(char, char) for char in text.upper())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^A-Z]+", FILLER, text).strip(FILLER)


def _name_field(surname: str, given_names: str, length: int) -> str:
    # Simple truncation: Doc 9303's finer truncation rules matter only for real documents.
    primary, secondary = mrz_name(surname), mrz_name(given_names)
    field = primary + (FILLER * 2 + secondary if secondary else "")
    return field[:length].ljust(length, FILLER)


def _padded(value: str, length: int, what: str) -> str:
    if len(value) > length or not re.fullmatch(r"[A-Z0-9<]*", value):
        raise ValueError(f"{what} {value!r} does not fit {length} MRZ characters")
    return value.ljust(length, FILLER)


def build_td3(
    *,
    surname: str,
    given_names: str,
    document_number: str,
    nationality_code: str,
    birth_date: date,
    sex: Literal["M", "F", "X"],
    expiry_date: date,
    issuing_state: str | None = None,
    document_type: str = "P",
    personal_number: str = "",
) -> str:
    """A valid passport zone (2 lines of 44, joined by a newline) for these data."""
    line1 = (
        _padded(document_type, 2, "document type")
        + _padded(issuing_state or nationality_code, 3, "issuing state")
        + _name_field(surname, given_names, 39)
    )
    number = _padded(document_number, 9, "document number")
    birth, expiry = birth_date.strftime("%y%m%d"), expiry_date.strftime("%y%m%d")
    personal = _padded(personal_number, 14, "personal number")
    personal_check = FILLER if not personal_number else compute_check_digit(personal)
    line2 = (
        number
        + compute_check_digit(number)
        + _padded(nationality_code, 3, "nationality")
        + birth
        + compute_check_digit(birth)
        + (FILLER if sex == "X" else sex)
        + expiry
        + compute_check_digit(expiry)
        + personal
        + personal_check
    )
    line2 += compute_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return f"{line1}\n{line2}"


def build_td1(
    *,
    surname: str,
    given_names: str,
    document_number: str,
    nationality_code: str,
    birth_date: date,
    sex: Literal["M", "F", "X"],
    expiry_date: date,
    issuing_state: str | None = None,
    document_type: str = "I",
    personal_number: str = "",
    optional_data: str = "",
) -> str:
    """A valid identity card zone (3 lines of 30, joined by newlines) for these data.

    A document number longer than 9 characters is continued in the optional data (Part 5,
    note j), which leaves that much less room for ``personal_number``.
    """
    if len(document_number) > 9:
        head, tail = document_number[:9], document_number[9:]
        optional_1 = tail + compute_check_digit(document_number) + FILLER + personal_number
        number_part = _padded(head, 9, "document number") + FILLER
    else:
        number = _padded(document_number, 9, "document number")
        number_part = number + compute_check_digit(number)
        optional_1 = personal_number
    line1 = (
        _padded(document_type, 2, "document type")
        + _padded(issuing_state or nationality_code, 3, "issuing state")
        + number_part
        + _padded(optional_1, 15, "optional data")
    )
    birth, expiry = birth_date.strftime("%y%m%d"), expiry_date.strftime("%y%m%d")
    line2 = (
        birth
        + compute_check_digit(birth)
        + (FILLER if sex == "X" else sex)
        + expiry
        + compute_check_digit(expiry)
        + _padded(nationality_code, 3, "nationality")
        + _padded(optional_data, 11, "optional data")
    )
    line2 += compute_check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return f"{line1}\n{line2}\n{_name_field(surname, given_names, 30)}"
