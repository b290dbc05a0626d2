"""The confirmation of residence as a PDF: in Vietnamese, with English under each heading, and
a QR code of its public verification page."""

from __future__ import annotations

import io
import logging
from datetime import date
from pathlib import Path

import qrcode
from django.utils import timezone
from fpdf import FPDF

from ..models import ResidenceConfirmation

# Vendored (immigration/fonts/, with its licence): a server has no system fonts to count on,
# and the core PDF fonts have no Vietnamese letters.
FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVu"
# fpdf2 subsets the fonts with fontTools, which tells of every table it prunes.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
GREY = (90, 90, 90)
BLACK = (0, 0, 0)


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def grouped(code: str) -> str:
    """ABCDEFGHJKLM -> ABCD-EFGH-JKLM: easier to read aloud and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _qr_png(url: str) -> io.BytesIO:
    image = qrcode.make(url, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=18)

    def heading(self, vietnamese: str, english: str, *, size: int = 10) -> None:
        self.set_font(FAMILY, "B", size)
        self.set_text_color(*BLACK)
        self.cell(0, size * 0.5, vietnamese, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, "", size - 2)
        self.set_text_color(*GREY)
        self.cell(0, (size - 2) * 0.5, english, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*BLACK)

    def item(self, vietnamese: str, english: str, value: str) -> None:
        top = self.get_y()
        self.set_font(FAMILY, "B", 10)
        self.cell(62, 5, vietnamese, new_x="LEFT", new_y="NEXT")
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(62, 4, english)
        self.set_text_color(*BLACK)
        bottom = self.get_y() + 4
        self.set_xy(self.l_margin + 64, top)
        self.set_font(FAMILY, "", 11)
        self.multi_cell(0, 5.5, value, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(bottom, self.get_y()) + 3)


def render(confirmation: ResidenceConfirmation, *, verify_url: str) -> bytes:
    application = confirmation.application
    ward = confirmation.ward
    province = ward.province
    pdf = _Document()
    pdf.set_title("Giấy xác nhận cư trú / Confirmation of residence")
    pdf.set_creator("Lưu trú")
    pdf.add_page()

    # The letterhead: the issuing police on the left, the national motto on the right.
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    top = pdf.get_y()
    pdf.set_font(FAMILY, "", 9)
    pdf.multi_cell(width, 4.5, province.name.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 9)
    pdf.multi_cell(width, 4.5, f"CÔNG AN {ward.name.upper()}", align="C")
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width, top)
    pdf.set_font(FAMILY, "B", 9)
    pdf.multi_cell(width, 4.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
    pdf.set_x(pdf.l_margin + width)
    pdf.multi_cell(width, 4.5, "Độc lập - Tự do - Hạnh phúc", align="C")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 10)

    pdf.set_font(FAMILY, "B", 16)
    pdf.cell(0, 8, "GIẤY XÁC NHẬN CƯ TRÚ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 11)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 6, "Confirmation of residence", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*BLACK)
    pdf.ln(6)

    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(
        0,
        5,
        f"Công an {ward.name}, {province.name} xác nhận người nước ngoài có tên dưới đây "
        "đang cư trú tại địa chỉ ghi trong giấy này.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        0,
        4,
        f"The police of {ward.name}, {province.name} confirm that the foreigner named below "
        "stays at the address given in this document.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(*BLACK)
    pdf.ln(5)

    issued = timezone.localdate(confirmation.decided_at) if confirmation.decided_at else None
    pdf.item("Đơn vị cấp", "Issued by", f"Công an {ward.name}, {province.name}")
    pdf.item("Họ và tên", "Full name", application.full_name)
    pdf.item("Quốc tịch", "Nationality", application.nationality or "—")
    pdf.item("Ngày sinh", "Date of birth", _day(application.birth_date))
    pdf.item("Số hộ chiếu", "Passport number", application.passport_number or "—")
    pdf.item(
        "Địa chỉ cư trú", "Address of stay", f"{application.address}, {ward.name}, {province.name}"
    )
    pdf.item(
        "Thời hạn xác nhận",
        "Period of validity",
        f"từ {_day(issued)} đến {_day(confirmation.valid_until)}\n"
        f"from {_day(issued)} until {_day(confirmation.valid_until)}",
    )
    pdf.item("Ngày cấp", "Date of issue", _day(issued))
    officer = confirmation.decided_by
    pdf.item(
        "Cán bộ xác nhận",
        "Confirmed by",
        (officer.full_name or officer.username) if officer else "—",
    )
    pdf.item("Mã xác minh", "Verification code", grouped(confirmation.code))

    pdf.ln(4)
    top = pdf.get_y()
    pdf.image(_qr_png(verify_url), x=pdf.l_margin, y=top, w=36, h=36)
    pdf.set_xy(pdf.l_margin + 42, top + 4)
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(0, 5, "Quét mã để kiểm tra giấy xác nhận", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4, "Scan the code to check this confirmation", new_x="LEFT", new_y="NEXT")
    pdf.ln(2)
    pdf.set_x(pdf.l_margin + 42)
    pdf.set_text_color(*BLACK)
    pdf.set_font(FAMILY, "", 8)
    pdf.multi_cell(0, 4, verify_url, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + 36))
    return bytes(pdf.output())
