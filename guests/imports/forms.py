"""The import's forms: the upload, and the desk's forms as a row of the file is checked with
them (so that a rule is written once and the messages are the same)."""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..forms import CitizenForm, ForeignerForm, StayForm, nationality_choices
from ..models import DeclarationKind
from . import parsing


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8, comma or semicolon separated, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > parsing.MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)d MB: split it into several files.")
                % {"mb": parsing.MAX_FILE_BYTES // (1024 * 1024)},
                code="too_large",
            )
        self.content = upload.read()
        try:
            parsing.check_file(self.content)
        except parsing.ImportFileError as e:
            raise ValidationError(e.message, code="file") from None
        return upload


# --- the desk's forms, as the import uses them --------------------------------------------------

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
]


def _set_formats(form: Any) -> None:
    # The desk's forms take the browser's date inputs; a CSV has its own, unambiguous formats
    # (never the US month-first one Django would otherwise try).
    for name, f in form.fields.items():
        if name in ("arrival", "expected_departure"):
            f.input_formats = DATETIME_FORMATS
        elif name.endswith("_date") or name.endswith("_expiry"):
            f.input_formats = DATE_FORMATS


class _CodeField(forms.ChoiceField):
    """The nationality choice of the desk's form, checked against the set of its codes: the
    desk builds its sorted, translated list for every form, too slow for 10,000 rows."""

    def valid_value(self, value: str) -> bool:
        return value in nationality_codes()


@functools.cache
def nationality_codes() -> frozenset[str]:
    codes = set()
    for value, label in nationality_choices():
        if isinstance(label, list | tuple):
            codes.update(code for code, _label in label)
        elif value:
            codes.add(value)
    return frozenset(codes)


class ImportForeignerForm(ForeignerForm):
    nationality = _CodeField(label=ForeignerForm.base_fields["nationality"].label, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_formats(self)

    def check_not_staying(self) -> None:
        # Done for the whole file in one query (see _check_documents).
        pass


class ImportCitizenForm(CitizenForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_formats(self)

    def check_not_staying(self) -> None:
        pass


class ImportStayForm(StayForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_formats(self)


KIND_FORMS: dict[str, type[ImportForeignerForm] | type[ImportCitizenForm]] = {
    DeclarationKind.FOREIGNER: ImportForeignerForm,
    DeclarationKind.CITIZEN: ImportCitizenForm,
}


class FormCache:
    """One instance of each form, bound again to every row.

    Building a form deep-copies all its fields, which was half the time of a 10,000-row check;
    re-binding is what ``full_clean`` starts from anyway (it resets errors and cleaned data).
    """

    def __init__(self) -> None:
        self._forms: dict[type, forms.BaseForm] = {}

    def bind(self, form_class: type, data: dict[str, Any], **kwargs: Any) -> Any:
        form = self._forms.get(form_class)
        if form is None:
            form = self._forms[form_class] = form_class(data, **kwargs)
            return form
        form.data = data
        form._errors = None
        form.cleaned_data = {}
        return form
