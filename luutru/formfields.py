"""Form fields that several apps' forms share (the "forms" modules are each app's own: no app
imports another's)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RefusalReasonField(forms.CharField):
    """The reason given with a refusal: required, and spaces alone are none (the field strips
    them), up to 2,000 characters, in a short text area. Shown or sent to whoever is refused."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Reason for refusal"))
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault("error_messages", {"required": _("Give the reason for the refusal.")})
        super().__init__(**kwargs)
