"""The portal's settings, plus where the file e-mail backend writes (the one setting the fault
runs need that luutru.settings does not read from the environment)."""

from __future__ import annotations

import os

from luutru.settings import *  # noqa: F403

EMAIL_FILE_PATH = os.environ["FAULTS_MAIL_DIR"]
