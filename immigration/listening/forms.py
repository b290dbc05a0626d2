from __future__ import annotations

from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SCORES = [(n, str(n)) for n in range(1, 6)]
# A survey stays open at most this long: an opinion asked in January is stale by summer.
LONGEST_SURVEY_DAYS = 90


def _helper(label: str, action: str = "") -> FormHelper:
    helper = FormHelper()
    if action:
        helper.form_action = action
    helper.add_input(Submit("send", label, css_class="w-100"))
    return helper


class ScoreForm(forms.Form):
    """A score of 1 (poor) to 5 (very good) and an optional comment: a rating or an answer."""

    score = forms.TypedChoiceField(
        label=_("Your rating (1 = poor, 5 = very good)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-inline"}),
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, submit: str, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit, action)

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].strip()


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    question = forms.CharField(
        label=_("Question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lodgings answer with a score of 1 to 5 and an optional comment."),
    )
    open_until = forms.DateField(
        label=_("Open until (inclusive)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("open_until", timezone.localdate() + timedelta(days=14))
        self.helper = _helper(_("Send the survey"))

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean_question(self) -> str:
        return self.cleaned_data["question"].strip()

    def clean_open_until(self):
        day = self.cleaned_data["open_until"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("Choose today or a later day."))
        if day > today + timedelta(days=LONGEST_SURVEY_DAYS):
            raise forms.ValidationError(
                _("A survey stays open at most %(days)s days.") % {"days": LONGEST_SURVEY_DAYS}
            )
        return day
