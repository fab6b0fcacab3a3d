from courses.models.catalog import Course, Material, MaterialKind, MaterialVersion, Module
from courses.models.questionnaires import (
    Answer,
    Question,
    QuestionChoice,
    QuestionKind,
    Questionnaire,
    QuestionnaireRecipient,
    Response,
)
from courses.models.study import MaterialProgress, ModuleCompletion
from courses.models.trainings import (
    Enrollment,
    EnrollmentSource,
    Session,
    Training,
    TrainingAudience,
)

__all__ = [
    "Answer",
    "Course",
    "Enrollment",
    "EnrollmentSource",
    "Material",
    "MaterialKind",
    "MaterialProgress",
    "MaterialVersion",
    "Module",
    "ModuleCompletion",
    "Question",
    "QuestionChoice",
    "QuestionKind",
    "Questionnaire",
    "QuestionnaireRecipient",
    "Response",
    "Session",
    "Training",
    "TrainingAudience",
]
