"""Forms of the information asset register, the processors, the record of processing and the assets a
sharing request draws on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from igportal.forms import NHSFormMixin, OneQueryModelChoiceField
from igportal.people import display_name
from igportal.roles import Role
from requests_app.forms.registers import (
    PersonChoiceField,
    YesNoField,
    _Filter,
    choice_field,
    date_field,
    legal_basis_fields,
    text_field,
)
from requests_app.models import AssetFormat, AssetStatus, Dpia, InformationAsset, Processor, Sensitivity
from requests_app.selectors.assets import ROPA_KINDS, shareable_assets


def _asset_owners() -> Any:
    return User.objects.filter(is_active=True, groups__name=Role.INFORMATION_ASSET_OWNER.group_name).order_by(
        "first_name", "last_name", "username"
    )


class OwnerChoice(OneQueryModelChoiceField):
    """A register filter's owner: every asset owner offered (sixty at ICB scale), read in one plain query
    of the columns their names need (``_filter_owners``), not through a server-side cursor of whole users.
    """

    def label_from_instance(self, obj: User) -> str:
        return display_name(obj)


def _filter_owners() -> Any:
    # A filter needs each owner's id and name only (a validated choice is used for its id).
    return _asset_owners().only("pk", "first_name", "last_name", "username")


class ProcessorChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Processor) -> str:
        return obj.name


class DpiaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Dpia) -> str:
        return f"{obj.reference}: {obj.title}"


class AssetForm(NHSFormMixin, forms.Form):
    name = text_field("Asset", rows=0, max_length=200, help_text="For example: maternity record system.")
    description = text_field(
        "What it holds and what it is for", help_text="Its purposes, in a sentence or two."
    )
    owner = PersonChoiceField("Information asset owner")
    administrator = PersonChoiceField("Information asset administrator", required=False)
    delegate = PersonChoiceField(
        "Named delegate",
        required=False,
        help_text="May authorise sharing from this asset in the owner's place.",
    )
    business_area = text_field("Business area", rows=0, max_length=200)
    asset_format = choice_field("Format", AssetFormat.choices)
    location = text_field(
        "Location",
        rows=0,
        max_length=200,
        help_text="The system's name, the drive's path or where the paper is kept.",
    )
    data_subjects = text_field(
        "Categories of data subjects", rows=2, help_text="For example: patients, their carers, staff."
    )
    data_categories = text_field(
        "Categories of personal data",
        rows=2,
        help_text="For example: contact details, diagnoses, appointments.",
    )
    special_category = YesNoField("Does it hold special category data, such as health?")
    sensitivity = choice_field("Sensitivity", Sensitivity.choices)
    retention_period = text_field(
        "Retention period",
        rows=0,
        max_length=200,
        help_text="For example: 8 years after the conclusion of treatment.",
    )
    retention_authority = text_field(
        "Retention authority",
        rows=0,
        max_length=200,
        help_text="For example: NHS Records Management Code of Practice, retention schedule class.",
    )
    security_measures = text_field("Security measures", rows=2)
    processors = ProcessorChoices(
        label="Processors used",
        queryset=Processor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dspt_critical = YesNoField("Is it critical to the organisation (DSPT)?")
    dpia = DpiaChoice(
        label="DPIA screening", queryset=Dpia.objects.none(), required=False, empty_label="None yet"
    )
    next_review_on = date_field(
        "Next review", years_ahead=10, help_text="At least once a year. For example, 27/3/2027"
    )
    retention_review_on = date_field(
        "Next retention review",
        years_ahead=10,
        help_text="When what it holds is next checked against its retention period, and records past it "
        "destroyed or transferred. For example, 27/3/2027",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(legal_basis_fields())
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = _asset_owners()
        processors = self.fields["processors"]
        assert isinstance(processors, forms.ModelMultipleChoiceField)
        processors.queryset = Processor.objects.order_by("name")
        dpia = self.fields["dpia"]
        assert isinstance(dpia, forms.ModelChoiceField)
        dpia.queryset = Dpia.objects.order_by("-created_at")


class AssetFilterForm(_Filter):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *AssetStatus.choices]
    )
    owner = OwnerChoice(label="Owner", queryset=User.objects.none(), required=False, empty_label="Any owner")
    special_category = forms.BooleanField(label="Special category data", required=False)
    dspt_critical = forms.BooleanField(label="Critical (DSPT)", required=False)
    needs_screening = forms.BooleanField(label="Without a DPIA screening", required=False)
    review_overdue = forms.BooleanField(label="Review overdue", required=False)
    retention_review_due = forms.BooleanField(label="Retention review due", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = _filter_owners()


class RopaFilterForm(_Filter):
    kind = forms.ChoiceField(
        label="Activity", required=False, choices=[("", "Holding and sharing"), *ROPA_KINDS.items()]
    )
    owner = OwnerChoice(label="Owner", queryset=User.objects.none(), required=False, empty_label="Any owner")
    special_category = forms.BooleanField(label="Special category data", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = _filter_owners()


class ProcessorForm(NHSFormMixin, forms.Form):
    name = text_field("Processor", rows=0, max_length=200)
    services = text_field(
        "What they do for us",
        rows=0,
        max_length=300,
        help_text="For example: hosting the patient record system.",
    )
    contact = text_field("Contact", rows=0, max_length=200, required=False)
    contract_reference = text_field(
        "Data processing contract reference",
        rows=0,
        max_length=100,
        required=False,
        help_text="The written contract UK GDPR Article 28(3) requires.",
    )
    contract_start_on = date_field("Contract start", required=False, years_ahead=10)
    contract_end_on = date_field("Contract end", required=False, years_ahead=25)


class ProcessorFilterForm(_Filter):
    pass


class AssetChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: InformationAsset) -> str:
        return f"{obj.reference}: {obj.name} (owner {display_name(obj.owner)})"


class RequestAssetsForm(NHSFormMixin, forms.Form):
    assets = AssetChoices(
        label="Information assets the data comes from",
        queryset=InformationAsset.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The owner of the assets authorises sharing from them before the IG team reviews it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assets = self.fields["assets"]
        assert isinstance(assets, forms.ModelMultipleChoiceField)
        assets.queryset = shareable_assets()
