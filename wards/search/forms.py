"""Forms of the ward's search and of its access log."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luutru.models import Officer, Ward

from ..models import AccessAction
from .queries import MIN_NAME_LENGTH, QueryTooShort, parse_query


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or document number"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "enterkeyhint": "search",
                "autofocus": True,
            }
        ),
    )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"].strip()
        try:
            parse_query(query)
        except QueryTooShort:
            raise forms.ValidationError(
                _("Type at least %(count)d letters of a name, or a whole document number."),
                code="too_short",
                params={"count": MIN_NAME_LENGTH},
            ) from None
        return query


class AccessLogFilter(forms.Form):
    officer = forms.TypedChoiceField(
        label=_("Officer"), required=False, coerce=int, empty_value=None
    )
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, ward: Ward, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        officers = (
            Officer.objects.filter(ward=ward)
            .select_related("user")
            .order_by("user__full_name", "user__username")
        )
        self.fields["officer"].choices = [("", _("Everyone"))] + [
            (o.user_id, str(o.user)) for o in officers
        ]
        self.fields["action"].choices = [("", _("Every action")), *AccessAction.choices]
