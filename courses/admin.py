"""Admin views for browsing courses and trainings; day-to-day changes go through the pages
and the API, which run the services (audit, clash checks, versions)."""

from django.contrib import admin

from courses.models import (
    Course,
    Enrollment,
    Material,
    MaterialVersion,
    Module,
    Questionnaire,
    Session,
    Training,
)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "hours", "is_active"]
    search_fields = ["title"]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "position"]
    list_select_related = ["course"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "module", "kind", "owner", "current_version"]
    list_select_related = ["module", "owner", "current_version"]
    readonly_fields = ["current_version"]


@admin.register(MaterialVersion)
class MaterialVersionAdmin(admin.ModelAdmin):
    list_display = ["material", "number", "original_name", "content_type", "size", "uploaded_at"]
    list_select_related = ["material"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "starts_on", "ends_on", "location"]
    list_select_related = ["course"]
    search_fields = ["title"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["training", "starts_at", "ends_at", "topic", "instructor"]
    list_select_related = ["training", "instructor"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["training", "employee", "source", "attendance_rate", "exam_passed"]
    list_select_related = ["training", "employee"]
    search_fields = ["employee__name", "employee__employee_no"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "training", "anonymous", "is_template", "issued_at"]
    list_select_related = ["training"]
