from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from people import services
from people.models import Department, Employee

User = get_user_model()


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["path", "name", "parent"]
    search_fields = ["path"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        # Keep the stored full name in step with the tree, as the services do.
        if change:
            services.department_update(
                actor=request.user, department=obj, name=obj.name, parent=obj.parent
            )
        else:
            created = services.department_create(
                actor=request.user, name=obj.name, parent=obj.parent
            )
            obj.pk, obj.path = created.pk, created.path


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["employee_no", "name", "department", "position", "phone", "masked_id", "active"]
    list_filter = ["user__is_active", "user__groups", "position"]
    search_fields = ["employee_no", "name", "phone", "position"]
    list_select_related = ["department", "user"]
    autocomplete_fields = ["department", "user"]
    exclude = ["national_id"]
    readonly_fields = ["masked_id", "birth_date", "created_at", "updated_at"]

    def has_add_permission(self, request):
        # An employee comes with a login: create them on the employees page, the API or an import.
        return False

    def save_model(self, request, obj, form, change):
        services.employee_update(
            actor=request.user,
            employee=obj,
            employee_no=obj.employee_no,
            name=obj.name,
            department=obj.department,
            position=obj.position,
            phone=obj.phone,
        )

    @admin.display(description=_("national ID"))
    def masked_id(self, obj):
        return obj.national_id_masked

    @admin.display(description=_("active"), boolean=True)
    def active(self, obj):
        return obj.user.is_active


admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    """Django's user admin, with group (role) changes written to the audit log."""

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        before = sorted(form.instance.groups.values_list("name", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(form.instance.groups.values_list("name", flat=True))
        if before != after:
            audit_record(
                actor=request.user,
                action="user.groups_changed",
                target=form.instance,
                before={"groups": before},
                after={"groups": after},
                note="admin",
            )
