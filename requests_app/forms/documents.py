from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from igportal.forms import NHSFormMixin


class DocumentForm(NHSFormMixin, forms.Form):
    file = forms.FileField(
        label="Add a supporting document", error_messages={"required": "Choose a file to add"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        megabytes = settings.UPLOAD_MAX_BYTES // 1048576
        self.fields["file"].help_text = (
            f"PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx), up to {megabytes} MB,"
            " such as the police request form."
        )
