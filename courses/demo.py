"""Demo courses and trainings: the "Safety production knowledge training" of the first safety
summary in ``seed/``, 16-18 January, two and a half days taught by experts of the Provincial
Work Safety Bureau, the Changsha Municipal Maritime Safety Bureau and the Municipal Fire
Squadron, for the 39 front-line trainees; lesson plans and handouts as generated PDFs; a
timetable; self-study progress; a questionnaire issued to 27 and returned by 27.

Idempotent like ``people.demo``: each part is found by its natural key (course title, training
title, module title, material title, questionnaire title) and only what is missing is made.
"""

import datetime
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from core.pdf import text_document
from courses.models import (
    Course,
    Material,
    MaterialKind,
    MaterialProgress,
    QuestionKind,
    Questionnaire,
    Training,
)
from courses.selectors.questionnaires import questionnaire_default_template
from courses.services import materials as material_services
from courses.services import questionnaires as questionnaire_services
from courses.services import study as study_services
from courses.services import trainings as training_services
from people.demo import BERTHING, STAFF, TRAINEES, SeedContext
from people.models import Department, Employee

COURSE_TITLE = "Safety production knowledge"
TRAINING_TITLE = "Safety production knowledge training"
LOCATION = "Company training centre, Changsha"
QUESTIONNAIRE_TITLE = "Training effectiveness survey"
QUESTIONNAIRE_ISSUED = 27


def training_days(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """16-18 January of the latest January that has passed."""
    today = today or timezone.localdate()
    year = today.year if today >= datetime.date(today.year, 1, 19) else today.year - 1
    return datetime.date(year, 1, 16), datetime.date(year, 1, 18)


# Module, its handouts (title, kind, instructor index or None for the safety department,
# and the text of the generated PDF).
MODULES = [
    (
        "Laws and regulations",
        "The Work Safety Law and the duties it gives the company, its managers and every worker.",
        [
            (
                "Lesson plan: the Work Safety Law and company duties",
                MaterialKind.LESSON_PLAN,
                0,
                [
                    (
                        "安全生产方针",
                        [
                            "安全第一、预防为主、综合治理。",
                            "Safety first, prevention first, comprehensive management.",
                        ],
                    ),
                    (
                        "Duties of the company",
                        [
                            "The principal person in charge is fully responsible for safety.",
                            "Every worker takes part in safety training and follows the rules.",
                        ],
                    ),
                ],
            ),
            (
                "Handout: rights and obligations of employees",
                MaterialKind.MANUAL,
                None,
                [
                    (
                        "从业人员的权利和义务",
                        [
                            "从业人员有权了解作业场所存在的危险因素、防范措施及事故应急措施。",
                            "Employees may refuse orders that break safety rules.",
                        ],
                    )
                ],
            ),
        ],
    ),
    (
        "Accident case analysis",
        "Real accidents in offshore construction: their causes and how they could be prevented.",
        [
            (
                "Slides: accident cases in harbour construction",
                MaterialKind.SLIDES,
                0,
                [
                    (
                        "Case 1: a fall from a pile-driving barge",
                        [
                            "Cause: no life jacket and no guard rail at the barge edge.",
                            "Prevention: guard rails, life jackets, a watchman.",
                        ],
                    ),
                    (
                        "Case 2: a crane overturned during lifting",
                        [
                            "Cause: overload and soft ground under the outriggers.",
                            "Prevention: lifting plans, load charts, ground checks.",
                        ],
                    ),
                ],
            )
        ],
    ),
    (
        "Emergency rescue",
        "How the company's emergency rescue mechanism works, and first aid until help arrives.",
        [
            (
                "Manual: emergency rescue plan of the project department",
                MaterialKind.MANUAL,
                None,
                [
                    (
                        "应急救援预案",
                        [
                            "发现险情立即报告项目部值班室，并启动应急预案。",
                            "Report at once, raise the alarm, rescue without endangering yourself.",
                        ],
                    )
                ],
            )
        ],
    ),
    (
        "Maritime fire prevention and life-saving",
        "Fire prevention on vessels and at the berth; life-saving appliances and abandoning ship.",
        [
            (
                "Lesson plan: maritime safety and life-saving appliances",
                MaterialKind.LESSON_PLAN,
                1,
                [
                    (
                        "Life-saving appliances",
                        [
                            "Life jackets, lifebuoys and liferafts: where and how to use them.",
                        ],
                    )
                ],
            ),
            (
                "Lesson plan: fire prevention and fire fighting on board",
                MaterialKind.LESSON_PLAN,
                2,
                [
                    (
                        "消防安全",
                        [
                            "动火作业必须办理动火审批手续，配备灭火器材并设专人监护。",
                            "Hot work needs a permit, extinguishers at hand and a fire watch.",
                        ],
                    )
                ],
            ),
        ],
    ),
]

# Day (0-2), start, end, topic, instructor index.
TIMETABLE = [
    (0, (8, 30), (11, 30), "Laws and regulations", 0),
    (0, (14, 0), (17, 0), "Accident case analysis", 0),
    (1, (8, 30), (11, 30), "Maritime safety and life-saving appliances", 1),
    (1, (14, 0), (17, 0), "Emergency rescue drill", 1),
    (2, (8, 30), (11, 30), "Fire prevention and fire fighting on board", 2),
]

OPINIONS = [
    "More practical drills on the barge, please.",
    "希望多讲一些水上作业的真实案例。",
    "The fire-fighting part was the most useful.",
    "建议培训时间安排在非汛期，方便一线人员参加。",
    "Give us the slides before the class.",
    "讲得很清楚，希望每年都组织一次。",
    "",
]


def _instructors() -> list[Employee]:
    numbers = [person.employee_no for person in STAFF if person.role == "instructor"]
    by_number = {e.employee_no: e for e in Employee.objects.filter(employee_no__in=numbers)}
    return [by_number[number] for number in numbers]


def _course(instructors: list[Employee]) -> Course:
    course = Course.objects.filter(title=COURSE_TITLE).first()
    if course is None:
        course = training_services.course_create(
            actor=None,
            title=COURSE_TITLE,
            description=(
                "Safety concepts, safety awareness, risk prevention and professional "
                "responsibility for front-line staff of offshore construction."
            ),
            hours=20,
            instructors=instructors,
        )
    return course


def _modules_and_materials(course: Course, instructors: list[Employee]) -> list[Material]:
    materials = []
    for title, description, handouts in MODULES:
        module = course.modules.filter(title=title).first() or training_services.module_create(
            actor=None, course=course, title=title, description=description
        )
        for handout, kind, instructor, sections in handouts:
            material = module.materials.filter(title=handout).first()
            if material is None:
                owner = instructors[instructor] if instructor is not None else None
                pdf = text_document(
                    title=handout,
                    sections=sections,
                    author=owner.name if owner else "Quality and Safety Department",
                )
                material = material_services.material_create(
                    actor=owner.user if owner else None,
                    course=course,
                    module=module,
                    title=handout,
                    kind=kind,
                    upload=ContentFile(pdf, name=f"{handout.split(':')[0].lower()}.pdf"),
                    owner=owner,
                )
            materials.append(material)
    return materials


def _training(course: Course, instructors: list[Employee]) -> Training:
    training = Training.objects.filter(title=TRAINING_TITLE, course=course).first()
    if training is not None:
        return training
    first, last = training_days()
    # The project department's crews by department; the trainees of the offices one by one
    # (their departments hold staff who are not trainees, like the safety officer).
    berthing = Department.objects.get(path=BERTHING)
    office_trainees = Employee.objects.filter(
        employee_no__in=[p.employee_no for p in TRAINEES if not p.department.startswith(BERTHING)]
    )
    training = training_services.training_create(
        actor=None,
        course=course,
        title=TRAINING_TITLE,
        starts_on=first,
        ends_on=last,
        location=LOCATION,
        description=(
            "Two and a half days of centralised classes and self-study for the company's "
            "departments and front-line production backbones."
        ),
        instructors=instructors,
        departments=[berthing],
        trainees=office_trainees,
    )
    # Required: the safety managers and crew captains of the berthing project department.
    training_services.training_set_audience(
        actor=None,
        training=training,
        rules=[(berthing, "Crew captain"), (berthing, "Safety manager")],
    )
    for day, start, end, topic, instructor in TIMETABLE:
        date = first + datetime.timedelta(days=day)
        training_services.session_create(
            actor=None,
            training=training,
            starts_at=timezone.make_aware(datetime.datetime.combine(date, datetime.time(*start))),
            ends_at=timezone.make_aware(datetime.datetime.combine(date, datetime.time(*end))),
            instructor=instructors[instructor],
            topic=topic,
            location=LOCATION,
        )
    return training


def _self_study(training: Training, materials: list[Material]) -> None:
    """Most trainees opened most handouts; a few never opened any."""
    if MaterialProgress.objects.filter(enrollment__training=training).exists():
        return
    chance = random.Random(16)
    for enrollment in training.enrollments.select_related("training").order_by("employee_id"):
        if chance.random() < 0.1:
            continue
        for material in materials:
            if chance.random() < 0.8:
                for _time in range(chance.randint(1, 3)):
                    study_services.progress_record_open(enrollment=enrollment, material=material)
        done = {m.module for m in materials} if chance.random() < 0.5 else set()
        for module in done:
            study_services.module_mark_done(enrollment=enrollment, module=module)


def _questionnaire(training: Training) -> None:
    """Issued to 27 trainees and returned by all 27: a feedback rate of 100%."""
    if Questionnaire.objects.filter(training=training, title=QUESTIONNAIRE_TITLE).exists():
        return
    template = questionnaire_default_template()
    questionnaire = questionnaire_services.questionnaire_create(
        actor=None, training=training, title=QUESTIONNAIRE_TITLE, template=template
    )
    recipients = [
        e.employee
        for e in training.enrollments.select_related("employee").order_by("employee__employee_no")
    ][:QUESTIONNAIRE_ISSUED]
    questionnaire_services.questionnaire_issue(
        actor=None, questionnaire=questionnaire, employees=recipients
    )
    chance = random.Random(27)
    questions = list(questionnaire.questions.prefetch_related("choices").order_by("position"))
    for number, employee in enumerate(recipients):
        answers = []
        for question in questions:
            choices = list(question.choices.all())
            if question.kind == QuestionKind.RATING:
                answers.append(
                    questionnaire_services.AnswerInput(
                        question=question.pk, rating=chance.choices([3, 4, 5], [1, 4, 6])[0]
                    )
                )
            elif question.kind == QuestionKind.SINGLE:
                pick = chance.choices(choices, [3, 8, 1][: len(choices)])[0]
                answers.append(
                    questionnaire_services.AnswerInput(question=question.pk, choices=[pick.pk])
                )
            elif question.kind == QuestionKind.MULTIPLE:
                picked = chance.sample(choices, chance.randint(1, min(2, len(choices))))
                answers.append(
                    questionnaire_services.AnswerInput(
                        question=question.pk, choices=[c.pk for c in picked]
                    )
                )
            else:
                opinion = OPINIONS[number % len(OPINIONS)]
                if opinion or question.required:
                    answers.append(
                        questionnaire_services.AnswerInput(
                            question=question.pk, text=opinion or "—"
                        )
                    )
        questionnaire_services.response_submit(
            questionnaire=questionnaire, employee=employee, answers=answers
        )


def seed_courses(ctx: SeedContext) -> None:
    """The course with its modules and handouts, the three-day training with its timetable
    and required audience, self-study progress and the answered questionnaire."""
    instructors = _instructors()
    course = _course(instructors)
    materials = _modules_and_materials(course, instructors)
    training = _training(course, instructors)
    _self_study(training, materials)
    _questionnaire(training)
