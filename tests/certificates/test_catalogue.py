import importlib
from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission

from certificates.catalogue import CATEGORIES, NATIONAL_CATALOGUE
from certificates.models import CertificateType
from certificates.services import certificate_issue
from core.roles import Role
from tests.certificates.factories import make_holder, qualify
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

catalogue_migration = importlib.import_module("certificates.migrations.0002_national_catalogue")
permissions_migration = importlib.import_module("certificates.migrations.0003_role_permissions")


def national():
    return CertificateType.objects.filter(national=True)


def test_the_catalogue_is_there_after_migrate_with_all_ten_categories():
    categories = [english for english, _chinese in CATEGORIES]
    assert len(categories) == 10
    assert set(national().values_list("category", flat=True)) == set(categories)
    by_category = Counter(national().values_list("category", flat=True))
    assert by_category["Electrical work"] == 6
    assert by_category["Welding and thermal cutting"] == 3
    assert by_category["Work at height"] == 2
    assert by_category["Refrigeration and air-conditioning"] == 2
    assert by_category["Coal mine safety"] == 10
    assert by_category["Metal and non-metal mine safety"] == 8
    assert by_category["Oil and gas safety"] == 1
    assert by_category["Metallurgical (non-ferrous) production safety"] == 1
    assert by_category["Hazardous chemicals safety"] == 16
    assert by_category["Fireworks and firecrackers safety"] == 5
    stored = {t.code: t for t in national()}
    for item in NATIONAL_CATALOGUE:
        row = stored[item.code]
        assert (row.category, row.operation_item) == (item.category, item.operation_item)


@pytest.mark.parametrize(
    ("code", "category", "item"),
    [
        ("ELLV", "Electrical work", "Low-voltage electrician"),
        ("ELHV", "Electrical work", "High-voltage electrician"),
        ("ELEX", "Electrical work", "Explosion-proof electrical work"),
        ("WEFC", "Welding and thermal cutting", "Fusion welding and thermal cutting"),
        ("HTSE", "Work at height", "Erection of high-altitude installations"),
        ("MTGW", "Metallurgical (non-ferrous) production safety", "Gas work"),
        ("OGDR", "Oil and gas safety", "Driller"),
        ("HC03", "Hazardous chemicals safety", "Chlorination process"),
        ("HC08", "Hazardous chemicals safety", "Hydrogenation process"),
        ("HC14", "Hazardous chemicals safety", "Polymerization process"),
    ],
)
def test_operation_items_have_their_codes(code, category, item):
    row = CertificateType.objects.get(code=code)
    assert (row.category, row.operation_item, row.national) == (category, item, True)


def test_codes_are_unique_short_and_carry_the_national_defaults():
    codes = [item.code for item in NATIONAL_CATALOGUE]
    assert len(codes) == len(set(codes))
    pairs = [(item.category, item.operation_item) for item in NATIONAL_CATALOGUE]
    assert len(pairs) == len(set(pairs))
    assert all(code.isalnum() and code.isupper() and len(code) <= 16 for code in codes)
    # Every item has its Chinese name as documentation.
    assert all(item.category_zh and item.operation_item_zh for item in NATIONAL_CATALOGUE)
    assert national().count() == len(NATIONAL_CATALOGUE)
    for row in national():
        assert row.validity_years == 6
        assert row.review_interval_years == 3
        assert row.pass_score == Decimal(80)
        assert row.refresher_hours == Decimal(8)
        assert row.is_active


def test_forward_is_idempotent_and_leaves_edited_rows_alone():
    edited = CertificateType.objects.get(code="ELLV")
    edited.refresher_hours = Decimal(12)
    edited.save(update_fields=["refresher_hours"])
    CertificateType.objects.filter(code="FW05").delete()

    catalogue_migration.create_catalogue(django_apps, None)
    catalogue_migration.create_catalogue(django_apps, None)

    assert national().count() == len(NATIONAL_CATALOGUE)
    assert CertificateType.objects.get(code="ELLV").refresher_hours == Decimal(12)
    assert CertificateType.objects.filter(code="FW05").exists()


def test_backward_deletes_unused_national_types_and_keeps_the_rest(safety_officer):
    low_voltage = CertificateType.objects.get(code="ELLV")
    holder = make_holder()
    theory, practical = qualify(holder, low_voltage)
    certificate_issue(
        actor=safety_officer.user,
        holder=holder,
        certificate_type=low_voltage,
        theory_exam=theory,
        practical_exam=practical,
    )
    company = CertificateType.objects.create(
        code="CPFL", category="Company permits", operation_item="Forklift operation"
    )

    catalogue_migration.delete_catalogue(django_apps, None)

    assert list(national()) == [low_voltage]
    assert CertificateType.objects.filter(pk=company.pk).exists()
    catalogue_migration.create_catalogue(django_apps, None)
    assert national().count() == len(NATIONAL_CATALOGUE)


def permissions_of(role: str) -> set[str]:
    return set(
        Group.objects.get(name=role)
        .permissions.filter(content_type__app_label="certificates")
        .values_list("codename", flat=True)
    )


def test_the_safety_officer_manages_certificates():
    codenames = permissions_of(Role.SAFETY_OFFICER)
    for model in ["certificatetype", "certificate", "certificatereview", "violation"]:
        for action in ["add", "change", "delete", "view"]:
            assert f"{action}_{model}" in codenames
    assert "view_remindersent" in codenames
    assert "view_numbercounter" in codenames
    assert not {"add_numbercounter", "change_numbercounter", "delete_numbercounter"} & codenames


def test_hr_only_looks_and_others_have_nothing():
    assert permissions_of(Role.HR) == {"view_certificate", "view_certificatetype"}
    assert permissions_of(Role.TRAINEE) == set()
    assert permissions_of(Role.INSTRUCTOR) == set()


def test_no_group_may_issue_despite_the_rules(safety_officer, hr, admin_user):
    override = Permission.objects.get(
        content_type__app_label="certificates", codename="issue_with_override"
    )
    assert not override.group_set.exists()
    assert safety_officer.user.has_perm("certificates.add_certificate")
    assert not safety_officer.user.has_perm("certificates.issue_with_override")
    assert hr.user.has_perm("certificates.view_certificate")
    assert not hr.user.has_perm("certificates.change_certificate")
    assert admin_user.has_perm("certificates.issue_with_override")
    permitted = EmployeeFactory(roles=[Role.SAFETY_OFFICER])
    permitted.user.user_permissions.add(override)
    assert permitted.user.has_perm("certificates.issue_with_override")


def test_the_migration_grants_what_it_lists():
    for role, codenames in permissions_migration.ROLE_PERMISSIONS.items():
        assert permissions_of(role) == set(codenames)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_finds_the_catalogue_and_permissions_again():
    assert national().count() == len(NATIONAL_CATALOGUE)
    assert "view_certificate" in permissions_of(Role.HR)
