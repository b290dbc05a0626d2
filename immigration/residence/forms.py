from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luutru.formfields import RefusalReasonField

from .services import CODE_LENGTH, normalise_code


class ConfirmationRefusalForm(forms.Form):
    reason = RefusalReasonField(
        help_text=_("Shown to the applicant, who may ask again once it is put right.")
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The 12 letters and digits printed under the QR code, e.g. ABCD-EFGH-JKLM."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                _("A verification code has 12 letters and digits."), code="invalid_code"
            )
        return code
