"""Forms of the course content and self-study pages. They read input; the services in
``courses.services.materials`` and ``courses.services.trainings`` check it."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from courses.filetypes import accept_attribute
from courses.models import Course, MaterialKind, Module


def _file_help() -> str:
    return _(
        "PDF, Word, Excel, PowerPoint, PNG, JPEG, GIF, WebP or MP4 video; at most %(limit)s."
    ) % {"limit": filesizeformat(settings.MAX_UPLOAD_SIZE)}


def _file_field(**kwargs) -> forms.FileField:
    return forms.FileField(
        label=kwargs.pop("label", _("File")),
        # An empty file is the service's to refuse, with the same message as everywhere.
        allow_empty_file=True,
        help_text=lazy(_file_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}),
        **kwargs,
    )


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ModuleMoveForm(forms.Form):
    offset = forms.TypedChoiceField(
        choices=[("-1", _("Up")), ("1", _("Down"))], coerce=int, widget=forms.HiddenInput
    )


class MaterialCreateForm(forms.Form):
    """A new material: a file to upload, or a link."""

    module = forms.ModelChoiceField(
        label=_("Module"), queryset=Module.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave blank to use the file's name."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    file = _file_field(required=False)
    url = forms.CharField(
        label=_("Or a link instead of a file"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://"}),
        help_text=_("A web address starting with http:// or https://."),
    )

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = course.modules.order_by("position", "id")


class MaterialEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)


class MaterialVersionForm(forms.Form):
    file = _file_field(label=_("New version"))


class ModuleDoneForm(forms.Form):
    done = forms.TypedChoiceField(
        choices=[("1", _("Done")), ("0", _("Not done"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
