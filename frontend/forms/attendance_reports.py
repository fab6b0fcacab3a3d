"""Forms of the attendance report pages: a training's attendance policy, and the upload of a
session's marked sign-in sheet."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from attendance.models import ProxyCheck
from core.uploads import check_upload_size


class AttendancePolicyForm(forms.Form):
    excused_counts_as_attended = forms.BooleanField(
        label=_("An excused absence counts as attended"),
        required=False,
        help_text=_(
            "For the attendance rate and the full-attendance list; hours are never credited "
            "for an excused absence."
        ),
    )
    allowed_networks = forms.CharField(
        label=_("Self sign-in only from these networks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "10.8.0.0/16"}),
        help_text=_("One network per line, e.g. 10.8.0.0/16. Empty: from anywhere."),
    )
    proxy_check = forms.ChoiceField(
        label=_("Refuse signing in for someone else"), choices=ProxyCheck.choices
    )
    proxy_window_minutes = forms.IntegerField(
        label=_("Within minutes"),
        min_value=0,
        max_value=24 * 60,
        help_text=_(
            "A second trainee signing in from the same device within this time is refused "
            "and reported to the instructor."
        ),
    )


class MarkedSheetImportForm(forms.Form):
    file = forms.FileField(
        label=_("Marked sign-in sheet (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (dry run): nothing is written"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload_size(upload, settings.ROSTER_MAX_UPLOAD_SIZE)
        return upload
