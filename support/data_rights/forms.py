from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from support.roles import Role

User = get_user_model()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CustomerReasonForm(ReasonForm):
    """A customer named by their email address, and the reason."""

    customer = forms.EmailField(label=_("Customer's email address"))
    field_order = ["customer", "reason"]

    def clean_customer(self):
        customer = User.objects.filter(
            email__iexact=self.cleaned_data["customer"], groups__name=Role.CUSTOMER
        ).first()
        if customer is None:
            raise forms.ValidationError(_("No customer has this email address."))
        return customer
