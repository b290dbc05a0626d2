"""What a filing tells the apps above guests. guests never imports them (DESIGN: the direction
of imports); the police side connects its receivers here (wards.apps), and a late filing raises
its flag through them.

Both are sent inside the filing's (or the correction's) transaction, with ``at`` the moment it
is recorded. A receiver that fails rolls the filing back: the flags are written with it or not
at all."""

from django.dispatch import Signal

# declarations: the declarations just filed (saved, version 1 written).
declarations_filed = Signal()
# declaration: the corrected declaration; changed: the names of the fields that changed.
declaration_corrected = Signal()
