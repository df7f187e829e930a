"""Forms of the phone pages: logging a call, a ticket from a call, a customer's callback request."""

from django import forms
from django.utils.translation import gettext_lazy as _

from support.taxonomy import Category, Language
from tickets.phone.calls import CallDetails
from tickets.phone.models import CallDirection, CallOutcome, CallWindow, https_only
from tickets.phone.numbers import InvalidNumber, parse_number

# The time zones offered on the callback form, the customer's language's first.
TIME_ZONES = (
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
)
ZONE_OF_LANGUAGE = {
    "ko": "Asia/Seoul",
    "ja": "Asia/Tokyo",
    "zh-hans": "Asia/Shanghai",
    "zh-hant": "Asia/Taipei",
    "en": "UTC",
}


class NumberField(forms.CharField):
    """A phone number, cleaned to E.164; read in the region of the form's `language`."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.language = "en"
        self.widget.attrs.update({"type": "tel", "autocomplete": "tel", "inputmode": "tel"})

    def clean(self, value) -> str:
        value = super().clean(value)
        try:
            return parse_number(value, language=self.language)
        except InvalidNumber as error:
            raise forms.ValidationError(str(error)) from error


class CallForm(forms.Form):
    """What an agent logs about a call."""

    direction = forms.ChoiceField(label=_("Direction"), choices=CallDirection.choices)
    number = NumberField(label=_("Customer's number"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices)
    minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=0, max_value=600)
    seconds = forms.IntegerField(
        label=_("and seconds"), min_value=0, max_value=59, required=False, initial=0
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
        help_text=_("If the customer read out a seed phrase, key or password, it is removed."),
    )
    recording_url = forms.CharField(
        label=_("Recording link"),
        max_length=500,
        required=False,
        validators=[https_only],
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    def __init__(self, *args, language: str = "en", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].language = language

    def details(self) -> CallDetails:
        data = self.cleaned_data
        return CallDetails(
            direction=data["direction"],
            number=data["number"],
            outcome=data["outcome"],
            duration_seconds=data["minutes"] * 60 + (data.get("seconds") or 0),
            notes=data["notes"],
            recording_url=data["recording_url"],
        )


class TicketFromCallForm(CallForm):
    customer_email = forms.EmailField(label=_("Customer's email"))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    request_text = forms.CharField(
        label=_("What the customer asked"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    field_order = ["customer_email", "language", "subject", "request_text", "direction", "number"]

    def __init__(self, *args, **kwargs) -> None:
        data = args[0] if args else kwargs.get("data")
        language = (data or {}).get("language") or "en"
        super().__init__(*args, language=language, **kwargs)


class CallbackOutcomeForm(CallForm):
    """The call made for a callback request: outbound, to the number the customer gave."""

    ticket = forms.CharField(
        label=_("On the ticket (reference, optional)"),
        max_length=20,
        required=False,
        help_text=_("Empty: a customer you reached gets a new phone ticket."),
    )

    def __init__(self, *args, number: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("direction", "number", "recording_url"):
            del self.fields[name]
        self.number = number

    def details(self) -> CallDetails:
        data = self.cleaned_data
        return CallDetails(
            direction=CallDirection.OUTBOUND,
            number=self.number,
            outcome=data["outcome"],
            duration_seconds=data["minutes"] * 60 + (data.get("seconds") or 0),
            notes=data["notes"],
        )


class CallbackRequestForm(forms.Form):
    number = NumberField(
        label=_("Phone number"),
        help_text=_("With the country code, e.g. +82 10 1234 5678."),
    )
    language = forms.ChoiceField(label=_("Language of the call"), choices=Language.choices)
    window = forms.ChoiceField(label=_("When may we call?"), choices=CallWindow.choices)
    time_zone = forms.ChoiceField(
        label=_("Your time zone"), choices=[(zone, zone.replace("_", " ")) for zone in TIME_ZONES]
    )
    topic = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices)
    details = forms.CharField(
        label=_("Anything we should know before calling (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Never send your password, 2FA codes, seed phrase or private keys."),
    )

    def __init__(self, *args, language: str = "en", incident_only: bool = False, **kwargs) -> None:
        kwargs.setdefault(
            "initial", {"language": language, "time_zone": ZONE_OF_LANGUAGE.get(language, "UTC")}
        )
        super().__init__(*args, **kwargs)
        self.fields["number"].language = language
        if incident_only:
            self.fields["topic"].choices = [
                (Category.SECURITY_INCIDENT.value, Category.SECURITY_INCIDENT.label)
            ]
