"""Forms of the review inbox, the officer's declaration page and the beats page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from establishments.models import Establishment
from guests.models import DeclarationKind
from luutru.models import Beat, Officer, Ward


class InboxFilterForm(forms.Form):
    establishment = forms.ModelChoiceField(
        label=_("Establishment"),
        queryset=Establishment.objects.none(),
        required=False,
        empty_label=_("All establishments"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *DeclarationKind.choices],
        required=False,
    )

    def __init__(self, *args, ward: Ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = Establishment.objects.filter(ward=ward).only(
            "pk", "name"
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The establishment sees this and corrects the declaration."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the declaration is returned."))
        return reason


class BeatForm(forms.Form):
    name = forms.CharField(label=_("Name of the new beat"), max_length=100)

    def __init__(self, *args, ward: Ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.ward = ward

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Beat.objects.filter(ward=self.ward, name=name).exists():
            raise forms.ValidationError(_("This ward already has a beat of that name."))
        return name


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Officer) -> str:
        return str(obj.user)


class BeatAssignForm(forms.Form):
    establishments = forms.ModelMultipleChoiceField(
        label=_("Establishments"),
        queryset=Establishment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    officers = OfficerChoiceField(
        label=_("Officers"),
        queryset=Officer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, ward: Ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishments"].queryset = Establishment.objects.filter(ward=ward)
        self.fields["officers"].queryset = Officer.objects.filter(ward=ward).select_related("user")
