"""Messages of Django itself that its Vietnamese catalogue leaves in English.

Named here so that ``makemessages`` keeps them in our catalogue (``locale/vi``), which Django
reads before its own. Nothing imports this module; the formsets' "add another guest" limit is
the message a desk meets (a room of more than 20 guests).
"""

from django.utils.translation import ngettext_lazy

FORMSET_MESSAGES = (
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms."),
    ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms."),
)
