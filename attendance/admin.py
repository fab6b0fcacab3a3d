from django.contrib import admin

from attendance.models import (
    AttendancePolicy,
    AttendanceRecord,
    ProxySignInAttempt,
    SignInFailure,
    SignInWindow,
)


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(admin.ModelAdmin):
    """Read-only: records change through roll call and corrections, which are audited."""

    list_display = ["session", "employee", "status", "method", "signed_in_at", "recorded_at"]
    list_filter = ["status", "method"]
    search_fields = ["employee__name", "employee__employee_no", "session__training__title"]
    list_select_related = ["session__training", "employee"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SignInWindow)
class SignInWindowAdmin(admin.ModelAdmin):
    list_display = ["session", "opens_at", "closes_at", "rotation_seconds", "late_after_minutes"]
    exclude = ["secret"]
    list_select_related = ["session__training"]


@admin.register(AttendancePolicy)
class AttendancePolicyAdmin(admin.ModelAdmin):
    list_display = ["training", "excused_counts_as_attended", "proxy_check"]


@admin.register(ProxySignInAttempt)
class ProxySignInAttemptAdmin(admin.ModelAdmin):
    list_display = ["session", "employee", "first_employee", "client_ip", "at"]
    list_select_related = ["session__training", "employee", "first_employee"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SignInFailure)
class SignInFailureAdmin(admin.ModelAdmin):
    """Read-only: counted by the sign-in service; a lock is in the audit log."""

    list_display = ["session", "scope", "employee", "client_ip", "failures", "locked_at"]
    list_filter = ["scope"]
    list_select_related = ["session__training", "employee"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
