"""The default training-effectiveness survey, as a template every training can copy.

Idempotent: the template is found by its title; its questions are added only when it has none,
so a template someone has since edited is left as it is. The texts are data, stored in English.
"""

from django.db import migrations

TITLE = "Training effectiveness survey"
INTRODUCTION = (
    "Please tell us what you thought of this training. Your answers help the safety "
    "department improve the next one."
)
QUESTIONS = [
    ("rating", "The content was useful for my work", True, []),
    ("rating", "The instructor explained clearly", True, []),
    ("single", "The time was enough", True, ["Too short", "About right", "Too long"]),
    (
        "multiple",
        "Which parts helped you most?",
        False,
        [
            "Laws and regulations",
            "Accident case analysis",
            "Emergency rescue",
            "Maritime fire prevention and life-saving",
        ],
    ),
    ("text", "What should change?", False, []),
]


def create_default_template(apps, schema_editor):
    Questionnaire = apps.get_model("courses", "Questionnaire")
    Question = apps.get_model("courses", "Question")
    QuestionChoice = apps.get_model("courses", "QuestionChoice")
    template = Questionnaire.objects.filter(title=TITLE, is_template=True).first()
    if template is None:
        template = Questionnaire.objects.create(
            title=TITLE, introduction=INTRODUCTION, is_template=True, training=None
        )
    if Question.objects.filter(questionnaire=template).exists():
        return
    for position, (kind, text, required, choices) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            questionnaire=template, position=position, kind=kind, text=text, required=required
        )
        QuestionChoice.objects.bulk_create(
            QuestionChoice(question=question, position=index, text=choice)
            for index, choice in enumerate(choices, start=1)
        )


def remove_default_template(apps, schema_editor):
    apps.get_model("courses", "Questionnaire").objects.filter(
        title=TITLE, is_template=True, training=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]

    operations = [migrations.RunPython(create_default_template, remove_default_template)]
