"""What the app tells people when an application changes: in-app and by e-mail, through the
wards' notification outbox (rows written in the transition's transaction, sent after commit)."""

from __future__ import annotations

from .models import Application, Event


def on_transition(application: Application, event: Event) -> None:
    """Called by services.transition, in its transaction, after each change of state."""
