from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _


class WardSettingsForm(forms.Form):
    remote = forms.BooleanField(
        label=_("This ward is a remote area"),
        required=False,
        help_text=_(
            "Foreign guests are then to be declared within 24 hours of arrival instead of 12."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-lg w-100"))
