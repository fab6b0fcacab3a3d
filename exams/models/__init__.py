from exams.models.bank import (
    CHOICE_TYPES,
    MAX_OPTIONS,
    OPTION_LETTERS,
    PATH_SEPARATOR,
    Question,
    QuestionCategory,
    QuestionOption,
    QuestionType,
    QuestionVersion,
)
from exams.models.papers import Paper, PaperItem, PaperRule

__all__ = [
    "CHOICE_TYPES",
    "MAX_OPTIONS",
    "OPTION_LETTERS",
    "PATH_SEPARATOR",
    "Paper",
    "PaperItem",
    "PaperRule",
    "Question",
    "QuestionCategory",
    "QuestionOption",
    "QuestionType",
    "QuestionVersion",
]
