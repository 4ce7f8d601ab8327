"""Email backends for tests only: one that fails by address, one that can be held mid-send.

Subprocess tests point a real worker at these with EMAIL_BACKEND, so they read their
instructions from the environment.
"""

from __future__ import annotations

import os
import smtplib
import time
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyBackend(LocmemBackend):
    """locmem, except that ``refused@`` addresses are refused for good (550) and ``flaky@`` ones meet
    a dropped connection (transient) until ``FlakyBackend.recovered`` is set."""

    recovered = False

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        for message in messages:
            for address in message.to:
                if address.startswith("refused@"):
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such user")})
                if address.startswith("flaky@") and not FlakyBackend.recovered:
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class HoldingFileBackend(FileBackend):
    """The file backend, held while the file named by IGPORTAL_TEST_MAIL_HOLD exists.

    It touches ``<hold>.reached`` when it starts holding, so a test knows a worker is mid-send. With
    IGPORTAL_TEST_MAIL_HOLD_AFTER_WRITE set it writes the email first, then holds: a kill then lands
    inside the send window, after the mail server has the message and before the row says so.
    """

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        hold = os.environ.get("IGPORTAL_TEST_MAIL_HOLD")
        after_write = bool(os.environ.get("IGPORTAL_TEST_MAIL_HOLD_AFTER_WRITE"))
        sent = super().send_messages(messages) if after_write else 0
        if hold:
            held = Path(hold)
            if held.exists():
                Path(f"{hold}.reached").touch()
            deadline = time.monotonic() + 120
            while held.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        return sent if after_write else super().send_messages(messages)
