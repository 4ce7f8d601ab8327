"""Keep personal data out of the logs.

Every log record has NHS numbers (10 digits, with or without spaces), email addresses
and UK postcodes replaced, and carriage returns and line feeds in its message encoded
(so a value cannot forge a log line). ``configure_logging`` (Django's LOGGING_CONFIG)
installs this as the log record factory, so the record is clean before any handler
sees it: the console, a log shipper, or pytest's caplog. The same filter also sits on
the console handler in LOGGING for anyone reading the settings.

Names cannot be recognised by pattern: code must never log them (log ids instead).
"""

from __future__ import annotations

import logging
import logging.config
import re
from typing import Any

_NHS_NUMBER = re.compile(r"(?<!\d)\d{3}[ \t]?\d{3}[ \t]?\d{4}(?!\d)")
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}\b", re.IGNORECASE)
_REDACTED = "[redacted]"


def redact(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _NHS_NUMBER.sub("[NHS number]", text)
    return _POSTCODE.sub("[postcode]", text)


def encode_line_breaks(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


class RedactPersonalData(logging.Filter):
    """Rewrites the record in place (message formatted, arguments dropped); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_igportal_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call must still be logged, without its arguments
            message = f"{record.msg} {_REDACTED} (arguments could not be formatted)"
        record.msg = encode_line_breaks(redact(str(message)))
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._igportal_redacted = True
        return True


_filter = RedactPersonalData()


def configure_logging(logging_settings: dict[str, Any]) -> None:
    """Django's LOGGING_CONFIG: redact every record as it is made, then apply LOGGING."""
    base_factory = logging.getLogRecordFactory()
    if not getattr(base_factory, "_igportal_redacting", False):

        def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = base_factory(*args, **kwargs)
            _filter.filter(record)
            return record

        redacting_factory._igportal_redacting = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(redacting_factory)
    logging.config.dictConfig(logging_settings)
