"""Demo attendance: the five classes of the seed training ("Safety production knowledge
training", 16-18 January), where the Quality and Safety Department "strictly checked the
attendance of the students, and signed in and called roll every time they attended the
class".

At four classes the trainees signed in on their phones with the code on the projector (a few
of them late), and the instructor called the roll for those who did not: one or two absent
per class, and two excused leaves with their reasons (病假, 事假). The emergency rescue drill
took place at the berth, without phones: the trainees signed the printed sheet, and the
instructor imported the marked sheet. Six trainees missed a class, so 33 of the 39 have full
attendance (an excused leave counts as attended, the default).

Everything goes through the services the pages use. Idempotent: a class that already has
records is left alone.
"""

import datetime
import random

from django.utils import timezone

from attendance import codes
from attendance.models import AttendanceRecord, Method, Status
from attendance.services import (
    RollCallEntry,
    attendance_sync_rates,
    roll_call,
    sign_in,
    window_open,
)
from courses.demo import TRAINING_TITLE
from courses.models import Session, Training
from people.demo import TRAINEES, SeedContext
from people.models import Employee

# Per class (in timetable order), by index in ``people.demo.TRAINEES``.
LATE = [[0, 11, 25], [3, 17], [11, 33], [29], [2, 21]]
ABSENT = [[14], [22], [14, 30], [8], [27, 35]]
EXCUSED = [
    [],
    [(5, "病假：发烧，已交医院证明 (sick leave)")],
    [(5, "病假：发烧，已交医院证明 (sick leave)")],
    [],
    [(19, "事假：家中有事，经部门负责人批准 (personal leave)")],
]
PAPER_SHEET_CLASS = 3  # the emergency rescue drill at the berth


def _demo_training() -> Training | None:
    return Training.objects.filter(title=TRAINING_TITLE).first()


def _trainees(training: Training) -> dict[int, Employee]:
    """The demo trainees enrolled in the training, by their index in ``TRAINEES``."""
    numbers = [person.employee_no for person in TRAINEES]
    by_number = {
        e.employee_no: e
        for e in Employee.objects.filter(
            employee_no__in=numbers, enrollments__training=training
        ).select_related("user")
    }
    return {i: by_number[no] for i, no in enumerate(numbers) if no in by_number}


def _self_sign_in(session: Session, trainees: dict[int, Employee], late: set[int], chance):
    """Open the window around the start and sign in everyone not late, absent or excused
    a few minutes before the start, and the late ones 12 to 28 minutes after it."""
    runner = session.instructor.user if session.instructor else None
    window = window_open(
        actor=runner,
        session=session,
        opens_at=session.starts_at - datetime.timedelta(minutes=15),
        closes_at=session.starts_at + datetime.timedelta(minutes=40),
        late_after_minutes=10,
    )
    for index, employee in trainees.items():
        if index in late:
            offset = datetime.timedelta(
                minutes=chance.randint(12, 28), seconds=chance.randint(0, 59)
            )
        else:
            offset = -datetime.timedelta(
                minutes=chance.randint(1, 14), seconds=chance.randint(0, 59)
            )
        at = session.starts_at + offset
        sign_in(
            session=session,
            employee=employee,
            code=codes.short_code(window, codes.slot_at(window, at)),
            client_ip=f"10.8.{index // 10 + 1}.{index + 20}",
            device=f"demo-phone-{employee.employee_no}",
            at=at,
        )


def seed_attendance(ctx: SeedContext) -> None:
    """Realistic attendance at the seed training's classes held so far, then the
    trainees' attendance rates reported to the training rate."""
    training = _demo_training()
    if training is None:
        return
    trainees = _trainees(training)
    sessions = list(training.sessions.select_related("instructor__user").order_by("starts_at"))
    recorded = set(
        AttendanceRecord.objects.filter(session__in=sessions).values_list("session_id", flat=True)
    )
    chance = random.Random(1618)
    created = False
    for number, session in enumerate(sessions[: len(LATE)]):
        if session.pk in recorded or session.ends_at > timezone.now():
            continue
        late = {i for i in LATE[number] if i in trainees}
        absent = [trainees[i] for i in ABSENT[number] if i in trainees]
        excused = [(trainees[i], reason) for i, reason in EXCUSED[number] if i in trainees]
        missing = {i for i in ABSENT[number]} | {i for i, _reason in EXCUSED[number]}
        runner = session.instructor.user if session.instructor else None
        entries = [RollCallEntry(e, Status.ABSENT) for e in absent]
        entries += [RollCallEntry(e, Status.EXCUSED, reason) for e, reason in excused]
        if number == PAPER_SHEET_CLASS:
            entries += [
                RollCallEntry(employee, Status.LATE if index in late else Status.PRESENT)
                for index, employee in trainees.items()
                if index not in missing
            ]
            roll_call(actor=runner, session=session, entries=entries, method=Method.IMPORT)
        else:
            signing_in = {i: e for i, e in trainees.items() if i not in missing}
            _self_sign_in(session, signing_in, late, chance)
            roll_call(actor=runner, session=session, entries=entries)
        created = True
    if created:
        attendance_sync_rates(training=training)
