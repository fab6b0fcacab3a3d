"""Training-effectiveness questionnaires: questions, who was asked, and the answers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models.trainings import Training
from people.models import Employee


class Questionnaire(models.Model):
    """A survey. With ``training`` empty and ``is_template`` set it is a template to copy.

    Issued to recipients (by default the training's trainees); each answers once. When
    ``anonymous``, responses are not linked to who gave them: the recipient row only records
    that they answered.
    """

    training = models.ForeignKey(
        Training,
        verbose_name=_("training"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questionnaires",
    )
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    is_template = models.BooleanField(_("template"), default=False)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating 1-5")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position", "id"]

    def __str__(self) -> str:
        return self.text


class QuestionChoice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("choice"), max_length=300)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class QuestionnaireRecipient(models.Model):
    """Someone the questionnaire was issued to; ``responded_at`` is set once they answer."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="questionnaires_received",
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "employee"], name="questionnaire_recipient_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} → {self.employee}"


class Response(models.Model):
    """One returned questionnaire. ``respondent`` is empty for anonymous questionnaires."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    respondent = models.ForeignKey(
        Employee,
        verbose_name=_("respondent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Empty for anonymous questionnaires: a time would let someone match the response to
    # the recipient row that records when each person answered.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "respondent"],
                condition=models.Q(respondent__isnull=False),
                name="response_once_per_respondent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    choices = models.ManyToManyField(
        QuestionChoice, verbose_name=_("choices"), blank=True, related_name="answers"
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="answer_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response} / {self.question}"
