"""Forms of the questionnaire pages. They read and shape input; the rules (what a question
needs, who may be issued it, what a valid answer is) are the services' and come back onto the
form through ``add_service_error``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Question, QuestionKind, Questionnaire
from courses.services.questionnaires import AnswerInput

BLANK = "blank"


class QuestionnaireCreateForm(forms.Form):
    source = forms.ChoiceField(label=_("Start from"), widget=forms.RadioSelect)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the template's title."),
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        help_text=_(
            "Answers are not linked to who gave them: the results and the export never name "
            "anyone. Only whether someone has answered is kept."
        ),
    )

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = {str(t.pk): t for t in templates}
        choices = [(pk, t.title) for pk, t in self.templates.items()]
        self.fields["source"].choices = [*choices, (BLANK, _("A blank questionnaire"))]
        if not self.is_bound:
            self.initial.setdefault("source", choices[0][0] if choices else BLANK)

    def template(self) -> Questionnaire | None:
        return self.templates.get(self.cleaned_data["source"])


class QuestionnaireSettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the questions."),
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        help_text=_("Answers are not linked to who gave them."),
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For single and multiple choice: one option per line."),
    )

    @classmethod
    def for_question(cls, question: Question, data=None) -> "QuestionForm":
        return cls(
            data,
            initial={
                "kind": question.kind,
                "text": question.text,
                "required": question.required,
                "choices": "\n".join(choice.text for choice in question.choices.all()),
            },
        )

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class IssueForm(forms.Form):
    employees = forms.ModelMultipleChoiceField(
        label=_("Trainees"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none to issue it to every enrolled trainee who has not received it."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Optional. After this time nobody can answer."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employees"].queryset = candidates
        self.fields["employees"].label_from_instance = lambda e: f"{e.employee_no} {e.name}"

    def employees_argument(self):
        """None (everyone not yet reached) when nobody is ticked."""
        return list(self.cleaned_data["employees"]) or None


class AnswerForm(forms.Form):
    """One field per question, named ``question_<id>`` like the service's error keys. Every
    field is optional here: which answers are required is the service's rule, and its
    refusal is shown on the field."""

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questionnaire.questions.all())
        for question in self.questions:
            self.fields[self.field_name(question)] = self._field(question)

    @staticmethod
    def field_name(question: Question) -> str:
        return f"question_{question.pk}"

    @staticmethod
    def _field(question: Question) -> forms.Field:
        options = [(str(choice.pk), choice.text) for choice in question.choices.all()]
        if question.kind == QuestionKind.RATING:
            return forms.TypedChoiceField(
                label=question.text,
                choices=[(str(value), str(value)) for value in range(1, 6)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        if question.kind == QuestionKind.SINGLE:
            return forms.TypedChoiceField(
                label=question.text,
                choices=options,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        if question.kind == QuestionKind.MULTIPLE:
            return forms.TypedMultipleChoiceField(
                label=question.text,
                choices=options,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        return forms.CharField(
            label=question.text, required=False, widget=forms.Textarea(attrs={"rows": 4})
        )

    def question_fields(self) -> list[tuple[Question, forms.BoundField]]:
        return [(question, self[self.field_name(question)]) for question in self.questions]

    def answers(self) -> list[AnswerInput]:
        answers = []
        for question in self.questions:
            value = self.cleaned_data.get(self.field_name(question))
            if question.kind == QuestionKind.RATING:
                answer = AnswerInput(question=question.pk, rating=value)
            elif question.kind == QuestionKind.SINGLE:
                answer = AnswerInput(question=question.pk, choices=[value] if value else [])
            elif question.kind == QuestionKind.MULTIPLE:
                answer = AnswerInput(question=question.pk, choices=list(value or []))
            else:
                answer = AnswerInput(question=question.pk, text=value or "")
            answers.append(answer)
        return answers
