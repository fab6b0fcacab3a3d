import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from certificates import compliance
from certificates.compliance import Outcome, compliance_check, compliance_xlsx
from certificates.models import Certificate, CertificateStatus, CertificateType
from certificates.services import (
    certificate_issue,
    certificate_register_external,
    certificate_revoke,
    certificate_suspend,
)
from tests.certificates.factories import make_holder, make_type, qualify

pytestmark = pytest.mark.django_db

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def roster(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def issue(holder, certificate_type) -> Certificate:
    theory, practical = qualify(holder, certificate_type)
    return certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )


@pytest.fixture
def electrician_type():
    return make_type(code="DG01", category="电工作业", operation_item="低压电工作业")


@pytest.fixture
def welding_type():
    return make_type(
        code="HJ01", category="焊接与热切割作业", operation_item="熔化焊接与热切割作业"
    )


@pytest.fixture
def site(electrician_type, welding_type):
    """One person per outcome; returns {key: (employee, certificate or None)}."""
    today = timezone.localdate()
    people = {}

    def person(key, name, **fields):
        holder = make_holder(employee_no=f"S{len(people) + 1:03d}", name=name, **fields)
        people[key] = [holder, None]
        return holder

    people_certificates = {
        "compliant": issue(person("compliant", "张伟"), electrician_type),
        "wrong_type": issue(person("wrong_type", "李娜"), welding_type),
        "expired": issue(person("expired", "王强"), electrician_type),
        "overdue": issue(person("overdue", "刘洋"), electrician_type),
        "suspended": issue(person("suspended", "陈静"), electrician_type),
        "revoked": issue(person("revoked", "杨帆"), electrician_type),
        "by_id": issue(
            person("by_id", "赵敏", national_id=resident_id("43010219900101123")),
            electrician_type,
        ),
        "review_due": issue(person("review_due", "周杰"), electrician_type),
    }
    person("none", "吴磊")
    external_holder = person("external", "郑爽")
    people_certificates["external"] = certificate_register_external(
        actor=None,
        holder=external_holder,
        certificate_type=electrician_type,
        number="EXT-9",
        issuing_authority="Hunan Emergency Management Department",
        issued_on=today - datetime.timedelta(days=400),
        expires_on=today + datetime.timedelta(days=800),
    )
    for key, certificate in people_certificates.items():
        people[key][1] = certificate
    Certificate.objects.filter(pk=people["expired"][1].pk).update(
        issued_on=today - datetime.timedelta(days=2200),
        expires_on=today - datetime.timedelta(days=10),
        next_review_due=None,
    )
    Certificate.objects.filter(pk=people["overdue"][1].pk).update(
        next_review_due=today - datetime.timedelta(days=5)
    )
    Certificate.objects.filter(pk=people["review_due"][1].pk).update(
        next_review_due=today + datetime.timedelta(days=20)
    )
    certificate_suspend(actor=None, certificate=people["suspended"][1], reason="Unsafe work")
    certificate_revoke(actor=None, certificate=people["revoked"][1], reason="Forged exam")
    return people


HEADER = ["Employee number", "ID number", "Name", "Special work"]


def test_one_row_per_outcome(site):
    def row(key, work="低压电工作业", name=None, national_id=""):
        employee = site[key][0]
        return [employee.employee_no, national_id, name or employee.name, work]

    data = roster(
        HEADER,
        [
            row("compliant"),
            row("wrong_type"),
            row("none"),
            row("expired"),
            row("overdue"),
            row("suspended"),
            row("revoked"),
            row("compliant", name="张卫"),
            ["X99999", "", "无名", "低压电工作业"],
            [None, site["by_id"][0].national_id, "赵敏", "DG01"],
            row("external", work="电工"),
            row("review_due", work="Basket weaving"),
            row("compliant", national_id=resident_id("11010519491231001")),
        ],
    )
    # "Basket weaving" is no type's name: the file is refused.
    refused = compliance_check(data=data)
    assert refused.checked == 0 and refused.rows == []
    assert [(e.row, e.column) for e in refused.errors] == [(13, "Special work")]
    assert "Basket weaving" in refused.errors[0].message

    data = roster(
        HEADER,
        [
            row("compliant"),
            row("wrong_type"),
            row("none"),
            row("expired"),
            row("overdue"),
            row("suspended"),
            row("revoked"),
            row("compliant", name="张卫"),
            ["X99999", "", "无名", "低压电工作业"],
            [None, site["by_id"][0].national_id, "赵敏", "DG01"],
            row("external", work="电工"),
            row("review_due", work="电工作业"),
            row("by_id", national_id=resident_id("11010519491231001")),
        ],
    )
    result = compliance_check(data=data)
    assert result.errors == []
    codes = [line.code for line in result.rows]
    assert codes == [
        Outcome.COMPLIANT,
        Outcome.WRONG_TYPE,
        Outcome.NO_CERTIFICATE,
        Outcome.EXPIRED,
        Outcome.REVIEW_OVERDUE,
        Outcome.SUSPENDED,
        Outcome.REVOKED,
        Outcome.NAME_MISMATCH,
        Outcome.UNKNOWN_PERSON,
        Outcome.COMPLIANT,  # found by ID number, type by code
        Outcome.COMPLIANT,  # external, "电工" for the category 电工作业
        Outcome.COMPLIANT,  # review due soon is still compliant
        Outcome.ID_MISMATCH,
    ]
    assert [line.row for line in result.rows] == list(range(2, 15))
    assert result.checked == 13 and result.compliant == 4
    assert len(result.problems) == 9
    by_code = {line.code: line for line in result.rows}
    assert "焊接与热切割作业" in by_code[Outcome.WRONG_TYPE].outcome
    assert "Unsafe work" in by_code[Outcome.SUSPENDED].outcome
    assert "Forged exam" in by_code[Outcome.REVOKED].outcome
    assert "张伟" in by_code[Outcome.NAME_MISMATCH].outcome
    assert "X99999" in by_code[Outcome.UNKNOWN_PERSON].outcome
    assert by_code[Outcome.EXPIRED].certificate.number == site["expired"][1].number

    # Statuses were refreshed for the rows checked.
    for key, status in (
        ("expired", CertificateStatus.EXPIRED),
        ("overdue", CertificateStatus.SUSPENDED),
        ("review_due", CertificateStatus.REVIEW_DUE),
    ):
        site[key][1].refresh_from_db()
        assert site[key][1].status == status

    answer = result.as_dict()
    assert answer["checked"] == 13 and answer["compliant"] == 4
    assert answer["problems"][0] == {
        "row": 3,
        "employee_no": site["wrong_type"][0].employee_no,
        "name": "李娜",
        "problem": by_code[Outcome.WRONG_TYPE].outcome,
        "code": "wrong_type",
    }
    assert answer["errors"] == []
    assert (
        answer["rows"][9]["national_id"].startswith("430")
        and "*" in answer["rows"][9]["national_id"]
    )
    assert answer["rows"][0]["certificate"] == site["compliant"][1].number


def test_a_valid_certificate_wins_over_an_older_revoked_one(site, electrician_type):
    holder, revoked = site["revoked"]
    fresh = issue(holder, electrician_type)
    data = roster(HEADER, [[holder.employee_no, "", holder.name, "DG01"]])
    result = compliance_check(data=data)
    assert result.rows[0].code == Outcome.COMPLIANT
    assert result.rows[0].certificate == fresh != revoked


def test_chinese_headers_ignored_columns_empty_rows_and_full_width_text(site):
    holder = site["compliant"][0]
    data = roster(
        ["序号", "工号", "姓名", "部门", "特种作业", "备注"],
        [
            [1, holder.employee_no, "张 伟", "电气班", "低压电工", ""],
            [None, None, None, None, None, None],
            [],
            ["=ROW()-1", "Ｓ00" + holder.employee_no[-1], "张伟", "", "ｄｇ01", "全角"],
            [None, None, None, None, None, "only a note"],
        ],
    )
    result = compliance_check(data=data)
    assert result.errors == []
    assert [(line.row, line.code) for line in result.rows] == [
        (2, Outcome.COMPLIANT),
        (5, Outcome.COMPLIANT),
    ]


def test_identity_by_chinese_id_column_only(site):
    holder = site["by_id"][0]
    data = roster(
        ["身份证号", "姓名", "作业类别"], [[holder.national_id.lower(), "赵敏", "电工作业"]]
    )
    result = compliance_check(data=data)
    assert result.errors == [] and result.rows[0].code == Outcome.COMPLIANT


@pytest.mark.parametrize(
    "header, expected",
    [
        (["Employee number", "Name", "Special work", "Favourite colour"], ["Favourite colour"]),
        (["Employee number", "Name", "Work"], ["Work", "Special work"]),
        (["Name", "Special work"], ["Employee number"]),
        (["工号", "员工编号", "姓名", "工种"], ["员工编号"]),
    ],
)
def test_wrong_header_or_unknown_columns_are_refused(site, header, expected):
    data = roster(header, [["S001", "张伟", "DG01", "x"][: len(header)]])
    result = compliance_check(data=data)
    assert result.rows == [] and result.checked == 0
    assert [error.column for error in result.errors] == expected
    assert all(error.row == 1 for error in result.errors)


def test_an_unknown_column_is_named_with_its_letter(site):
    result = compliance_check(data=roster(["工号", "姓名", "特种作业", "班组"], [["S001"]]))
    assert len(result.errors) == 1
    assert "班组" in result.errors[0].message and "column D" in result.errors[0].message


def test_a_formula_cell_is_an_error_naming_row_and_column(site):
    holder = site["compliant"][0]
    data = roster(
        HEADER,
        [
            [holder.employee_no, "", holder.name, "DG01"],
            [holder.employee_no, "", '=CONCAT("张","伟")', "DG01"],
        ],
    )
    result = compliance_check(data=data)
    assert result.rows == []
    assert [(e.row, e.column) for e in result.errors] == [(3, "Name")]
    assert "C3" in result.errors[0].message


@pytest.mark.parametrize(
    "data",
    [b"employee_no,name,special work\nS001,x,DG01\n", b"", b"PK\x03\x04 truncated"],
)
def test_a_file_that_is_not_xlsx_is_refused(data):
    result = compliance_check(data=data)
    assert result.rows == []
    assert [e.message for e in result.errors] == ["The file is not an Excel .xlsx workbook."]


def test_row_level_errors_refuse_the_whole_file(site):
    holder = site["compliant"][0]
    data = roster(
        HEADER,
        [
            [holder.employee_no, "", holder.name, "DG01"],
            [None, None, "张伟", "DG01"],
            ["S002", "110105194912310021", "李娜", "DG01"],
            ["S003", "", "", ""],
        ],
    )
    result = compliance_check(data=data)
    assert result.rows == []
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Employee number"),
        (4, "ID number"),
        (5, "Name"),
        (5, "Special work"),
    ]


def test_empty_files_and_limits(site, monkeypatch):
    assert "no header" in compliance_check(data=roster([], [])).errors[0].message
    assert "no people" in compliance_check(data=roster(HEADER, [[None] * 4])).errors[0].message
    holder = site["compliant"][0]
    monkeypatch.setattr(compliance, "MAX_ROWS", 2)
    rows = [[holder.employee_no, "", holder.name, "DG01"]] * 3
    result = compliance_check(data=roster(HEADER, rows))
    assert result.rows == [] and "at most 2 rows" in result.errors[0].message
    monkeypatch.setattr(compliance, "MAX_FILE_BYTES", 100)
    result = compliance_check(data=roster(HEADER, rows[:1]))
    assert result.rows == [] and "larger than" in result.errors[0].message


def test_compliance_xlsx_lists_every_row_with_its_outcome(site):
    compliant, wrong = site["compliant"][0], site["wrong_type"][0]
    result = compliance_check(
        data=roster(
            HEADER,
            [
                [compliant.employee_no, "", compliant.name, "DG01"],
                [wrong.employee_no, "", wrong.name, "DG01"],
            ],
        )
    )
    sheet = load_workbook(io.BytesIO(compliance_xlsx(result))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == (
        "Row",
        "Employee number",
        "ID number",
        "Name",
        "Special work",
        "Compliant",
        "Outcome",
    )
    assert [r[0] for r in rows[1:]] == [2, 3]
    assert rows[1][5] == "yes" and rows[1][7] == site["compliant"][1].number
    assert rows[2][5] == "no" and rows[2][6].startswith("Wrong type")
    assert isinstance(rows[1][9], datetime.datetime)  # valid until, a real date


def test_compliance_xlsx_of_a_refused_file_lists_the_errors():
    result = compliance_check(data=b"not a workbook")
    rows = list(load_workbook(io.BytesIO(compliance_xlsx(result))).active.values)
    assert rows == [("Row", "Column", "Problem"), (None, None, rows[1][2])]
    assert "xlsx" in rows[1][2]


def test_catalogue_types_match_their_chinese_and_english_names():
    low_voltage = CertificateType.objects.get(code="ELLV")  # seeded by the catalogue migration
    holder = make_holder(employee_no="C001", name="孙电工")
    issue(holder, low_voltage)
    works = [
        "低压电工作业",
        "低压电工",
        "电工作业",
        "Low-voltage electrician",
        "electrical work",
        "ELLV",
        "高压电工作业",
    ]
    data = roster(["工号", "姓名", "工种"], [["C001", "孙电工", work] for work in works])
    result = compliance_check(data=data)
    assert result.errors == []
    assert [line.code for line in result.rows] == [Outcome.COMPLIANT] * 6 + [Outcome.WRONG_TYPE]
