"""Demo people: the harbour construction company of the first safety summary in ``seed/``,
its 39 front-line trainees, three outside experts as instructors, a safety officer, an HR user
and an admin.

Idempotent: every part is looked up by its natural key (department path, employee number,
user name) and only what is missing is created, through the same services the pages use, so
the audit log records it. Each app keeps its demo part as ``seed_<part>(ctx)`` in its own
``demo.py``; ``manage.py seed_demo`` (in ``frontend``, which sees every app) runs them in order.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, OutputWrapper

from core.roles import Role
from people import services
from people.models import Department, Employee

User = get_user_model()

DEMO_PASSWORD = "demo-2026"

COMPANY = "Changsha Harbour Construction Co."
EXPERTS = "External experts"
QUALITY_AND_SAFETY = f"{COMPANY}/Quality and Safety Department"
BERTHING = f"{COMPANY}/Berthing Project Department"
ENGINEERING = f"{COMPANY}/Engineering Department"
EQUIPMENT = f"{COMPANY}/Equipment Department"
HUMAN_RESOURCES = f"{COMPANY}/Human Resources Department"
WORK_SAFETY_BUREAU = f"{EXPERTS}/Provincial Work Safety Bureau"
MARITIME_SAFETY_BUREAU = f"{EXPERTS}/Changsha Municipal Maritime Safety Bureau"
FIRE_SQUADRON = f"{EXPERTS}/Municipal Fire Squadron"

DEPARTMENTS = [
    QUALITY_AND_SAFETY,
    f"{BERTHING}/Crew 1",
    f"{BERTHING}/Crew 2",
    f"{BERTHING}/Crew 3",
    ENGINEERING,
    EQUIPMENT,
    HUMAN_RESOURCES,
    WORK_SAFETY_BUREAU,
    MARITIME_SAFETY_BUREAU,
    FIRE_SQUADRON,
]

ADMIN_USERNAME = "admin"
TRAINEE_USERNAME = "trainee"


@dataclass(frozen=True)
class DemoPerson:
    employee_no: str
    name: str
    department: str
    position: str
    role: str
    username: str = ""  # empty: the employee number, as for imported employees
    national_id: bool = False  # trainees get a (made-up, valid) resident ID for certificates


STAFF = [
    DemoPerson(
        "10001", "刘安平", QUALITY_AND_SAFETY, "Quality and safety manager", Role.SAFETY_OFFICER,
        username="officer",
    ),
    DemoPerson("50001", "陈丽华", HUMAN_RESOURCES, "HR specialist", Role.HR, username="hr"),
    DemoPerson(
        "X001", "黄志明", WORK_SAFETY_BUREAU, "Senior work safety inspector", Role.INSTRUCTOR,
        username="instructor1",
    ),
    DemoPerson(
        "X002", "谭海涛", MARITIME_SAFETY_BUREAU, "Maritime safety inspector", Role.INSTRUCTOR,
        username="instructor2",
    ),
    DemoPerson(
        "X003", "罗振华", FIRE_SQUADRON, "Fire prevention officer", Role.INSTRUCTOR,
        username="instructor3",
    ),
]  # fmt: skip


def _trainees() -> list[DemoPerson]:
    crew1, crew2, crew3 = (f"{BERTHING}/Crew {n}" for n in (1, 2, 3))
    rows = [
        (crew1, "彭建军", "Crew captain"),
        (crew1, "曾志强", "Safety manager"),
        (crew1, "邓伟", "Welder"),
        (crew1, "贺立新", "Welder"),
        (crew1, "唐小兵", "Electrician"),
        (crew1, "蒋国庆", "Crane operator"),
        (crew1, "龙海波", "Rigger"),
        (crew1, "肖军", "Boat operator"),
        (crew1, "朱德明", "Pile driving operator"),
        (crew2, "欧阳明", "Crew captain"),
        (crew2, "杨帆", "Safety manager"),
        (crew2, "李铁军", "Welder"),
        (crew2, "王建平", "Electrician"),
        (crew2, "张卫东", "Crane operator"),
        (crew2, "胡斌", "Rigger"),
        (crew2, "文志刚", "Diver"),
        (crew2, "谢永红", "Concrete worker"),
        (crew3, "刘长江", "Crew captain"),
        (crew3, "陈静", "Safety manager"),
        (crew3, "周海龙", "Welder"),
        (crew3, "段勇", "Gas worker"),
        (crew3, "吴小龙", "Electrician"),
        (crew3, "钟国华", "Crane operator"),
        (crew3, "熊伟", "Rigger"),
        (crew3, "颜军", "Boat operator"),
        (ENGINEERING, "邹明亮", "Site engineer"),
        (ENGINEERING, "易文", "Surveyor"),
        (ENGINEERING, "雷鸣", "Construction foreman"),
        (ENGINEERING, "廖晓燕", "Quality inspector"),
        (EQUIPMENT, "毛建华", "Equipment manager"),
        (EQUIPMENT, "田勇", "Gas worker"),
        (EQUIPMENT, "姚国强", "Electrician"),
        (EQUIPMENT, "汤志勇", "Crane operator"),
        (EQUIPMENT, "万军", "Gantry crane operator"),
        (EQUIPMENT, "郭平", "Forklift driver"),
        (EQUIPMENT, "夏雨", "Welder"),
        (QUALITY_AND_SAFETY, "史红", "Safety inspector"),
        (QUALITY_AND_SAFETY, "尹浩", "Safety inspector"),
        (QUALITY_AND_SAFETY, "孔祥瑞", "Safety clerk"),
    ]
    return [
        DemoPerson(
            f"{20001 + index}",
            name,
            department,
            position,
            Role.TRAINEE,
            username=TRAINEE_USERNAME if index == 0 else "",
            national_id=True,
        )
        for index, (department, name, position) in enumerate(rows)
    ]


TRAINEES = _trainees()
PEOPLE = STAFF + TRAINEES
# An electrician who holds a valid operation certificate (``certificates.demo``): a login to
# see "my certificates" with.
CERTIFICATE_HOLDER = TRAINEES[4]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def demo_national_id(number: int) -> str:
    """A made-up resident ID of Tianxin District, Changsha (430103), with a valid check digit."""
    born = datetime.date(1972 + number * 7 % 28, number % 12 + 1, number * 3 % 28 + 1)
    body = f"430103{born:%Y%m%d}{number * 37 % 1000:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def demo_phone(number: int) -> str:
    return f"1397310{number % 10000:04d}"


@dataclass
class SeedContext:
    """What every seed step shares: where to write, and the demo password hashed once."""

    stdout: OutputWrapper
    reset_passwords: bool = False
    notes: list[str] = field(default_factory=list)

    @cached_property
    def password_hash(self) -> str:
        # PBKDF2 costs ~0.3 s a call; every demo account shares this one hash (demo data
        # only), so seeding takes seconds, not a quarter of a minute.
        return make_password(DEMO_PASSWORD)


def seed_people(ctx: SeedContext) -> None:
    """Departments, the employees with their roles, and the admin superuser."""
    departments = {d.path: d for d in Department.objects.filter(path__in=DEPARTMENTS)}
    for path in DEPARTMENTS:
        if path not in departments:
            departments[path] = services.department_ensure_path(actor=None, path=path)
    existing = set(
        Employee.objects.filter(employee_no__in=[p.employee_no for p in PEOPLE]).values_list(
            "employee_no", flat=True
        )
    )
    new_user_ids = []
    for number, person in enumerate(PEOPLE, start=1):
        if person.employee_no in existing:
            continue
        try:
            employee = services.employee_create(
                actor=None,
                employee_no=person.employee_no,
                name=person.name,
                department=departments[person.department],
                position=person.position,
                phone=demo_phone(number),
                national_id=demo_national_id(number) if person.national_id else "",
                roles=[person.role],
                username=person.username,
                # No password here: the service would hash it per person. The shared hash
                # is set below, without the must-change-password mark.
                password="",
                must_change_password=False,
            )
        except ValidationError as error:
            raise CommandError(
                f"Cannot create demo employee {person.employee_no}: {error}"
            ) from error
        new_user_ids.append(employee.user_id)
    if new_user_ids:
        User.objects.filter(pk__in=new_user_ids).update(password=ctx.password_hash)

    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None:
        User.objects.create(
            username=ADMIN_USERNAME,
            email="admin@example.com",
            is_staff=True,
            is_superuser=True,
            password=ctx.password_hash,
        )
    elif not admin.is_superuser:
        ctx.notes.append(f"A user named “{ADMIN_USERNAME}” exists and is not a superuser.")

    if ctx.reset_passwords:
        usernames = [ADMIN_USERNAME, *(people_usernames())]
        User.objects.filter(username__in=usernames).update(password=ctx.password_hash)
        Employee.objects.filter(user__username__in=usernames).update(must_change_password=False)


def people_usernames() -> list[str]:
    return [person.username or person.employee_no for person in PEOPLE]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    who: str


def demo_logins() -> list[DemoLogin]:
    """The accounts worth signing in with, as they stand in the database now."""
    names = dict(
        Employee.objects.filter(employee_no__in=[p.employee_no for p in PEOPLE]).values_list(
            "user__username", "name"
        )
    )
    # The department without the company or "External experts" root.
    departments = {p.username or p.employee_no: p.department.split("/", 1)[-1] for p in PEOPLE}
    logins = []
    if User.objects.filter(username=ADMIN_USERNAME, is_superuser=True).exists():
        logins.append(DemoLogin("admin", ADMIN_USERNAME, "superuser, with the admin site"))
    for person in [*STAFF, TRAINEES[0], CERTIFICATE_HOLDER]:
        username = person.username or person.employee_no
        if username in names:
            who = f"{names[username]}, {person.position}, {departments[username]}"
            if person is CERTIFICATE_HOLDER:
                who += ", holds an operation certificate"
            logins.append(DemoLogin(person.role, username, who))
    others = [
        p.employee_no
        for p in TRAINEES[1:]
        if p.employee_no in names and p is not CERTIFICATE_HOLDER
    ]
    if others:
        logins.append(
            DemoLogin(
                Role.TRAINEE,
                f"{others[0]} … {others[-1]}",
                f"the other {len(others)} trainees, by employee number",
            )
        )
    return logins
