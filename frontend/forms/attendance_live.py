"""Forms of the live attendance pages: opening self sign-in, a roll-call tap, and the code a
trainee types. They shape input; the attendance services decide."""

import unicodedata

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.models import Status
from courses.models import Session
from frontend.forms.trainings import DateTimeInput
from people.models import Employee


class WindowForm(forms.Form):
    """Open (or re-time) self sign-in. Empty times take the service's defaults."""

    opens_at = forms.DateTimeField(
        label=_("Opens at"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Empty: 15 minutes before the start, or now if that has passed."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Empty: 30 minutes after the start, and at least 15 minutes from now."),
    )
    late_after_minutes = forms.IntegerField(
        label=_("Late after (minutes after the start)"),
        min_value=0,
        max_value=240,
        initial=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class RollCallMarkForm(forms.Form):
    """One tap on the roll-call sheet: a trainee and a status (and the reason of an excused
    absence)."""

    employee = forms.ModelChoiceField(
        queryset=Employee.objects.select_related("department"),
        error_messages={"invalid_choice": _("This trainee does not exist.")},
    )
    status = forms.ChoiceField(choices=Status.choices)
    reason = forms.CharField(required=False, max_length=300)


def sessions_open_for_sign_in(employee: Employee | None) -> QuerySet[Session]:
    """The sessions of the employee's trainings whose self sign-in is open now."""
    if employee is None:
        return Session.objects.none()
    now = timezone.now()
    return (
        Session.objects.filter(
            training__enrollments__employee=employee,
            sign_in_window__opens_at__lte=now,
            sign_in_window__closes_at__gte=now,
        )
        .select_related("training")
        .order_by("starts_at", "id")
        .distinct()
    )


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Session) -> str:
        start = timezone.localtime(obj.starts_at)
        topic = f" · {obj.topic}" if obj.topic else ""
        return f"{start:%H:%M} · {obj.training.title}{topic}"


class SignInCodeForm(forms.Form):
    """The six digits on the screen, typed when the camera fails. Without a session in the
    URL the trainee picks one of theirs whose sign-in is open."""

    session = SessionChoiceField(
        label=_("Session"),
        queryset=Session.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Sign-in for this session is not open.")},
    )
    code = forms.CharField(
        label=_("Code on the screen"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "autofocus": True,
                "class": "code-input",
                "enterkeyhint": "go",
            }
        ),
    )

    def __init__(self, *args, sessions: QuerySet[Session] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if sessions is None:
            del self.fields["session"]
        else:
            self.fields["session"].queryset = sessions

    def clean_code(self) -> str:
        # NFKC turns the full-width digits of a Chinese input method into ASCII ones.
        text = unicodedata.normalize("NFKC", self.cleaned_data["code"])
        digits = "".join(ch for ch in text if ch in "0123456789")
        if len(digits) != 6:
            raise forms.ValidationError(_("Type the six digits shown on the screen."))
        return digits
