"""Requests of the same trainee at the same moment (a double click, two tabs): openings are
all counted on one row, and two uploads of a new version get different numbers.

The race needs several connections that block on each other, which SQLite (tests share one
in-memory connection) cannot show; on PostgreSQL, threads run the services at once.
"""

import threading

import pytest
from django.db import connection, connections

from courses.models import MaterialProgress
from courses.services import materials as material_services
from courses.services import study as services
from tests.courses.factories import EnrollmentFactory, ModuleFactory, TrainingFactory
from tests.courses.test_filetypes import PDF, upload
from tests.factories import EmployeeFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="needs a database with row locks and several connections (PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 4


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_at_once(work) -> list[str]:
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []

    def run():
        try:
            barrier.wait(timeout=10)
            work()
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_concurrent_openings_are_all_counted_on_one_row():
    module = ModuleFactory()
    instructor = EmployeeFactory()
    material = material_services.material_create(
        actor=instructor.user, course=module.course, module=module, upload=upload("a.pdf", PDF)
    )
    enrollment = EnrollmentFactory(training=TrainingFactory(course=module.course))
    errors = run_at_once(
        lambda: services.progress_record_open(enrollment=enrollment, material=material)
    )
    assert errors == []
    progress = MaterialProgress.objects.get()
    assert progress.times_opened == THREADS


def test_concurrent_versions_get_different_numbers():
    module = ModuleFactory()
    instructor = EmployeeFactory()
    material = material_services.material_create(
        actor=instructor.user, course=module.course, module=module, upload=upload("a.pdf", PDF)
    )
    errors = run_at_once(
        lambda: material_services.material_upload_version(
            actor=instructor.user, material=material, upload=upload("b.pdf", PDF)
        )
    )
    assert errors == []
    assert sorted(material.versions.values_list("number", flat=True)) == list(range(1, THREADS + 2))
    material.refresh_from_db()
    assert material.current_version.number == THREADS + 1
