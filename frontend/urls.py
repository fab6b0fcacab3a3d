from django.urls import include, path

from frontend.views import accounts, audit, departments, employees, home

urlpatterns = [
    path("", home.home, name="home"),
    # Accounts: the names login, logout and password_change are used by settings and by
    # people.middleware.
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        accounts.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # People
    path("people/employees/", employees.employee_list_page, name="employee_list"),
    path("people/employees/new/", employees.employee_create, name="employee_create"),
    path("people/employees/<int:pk>/edit/", employees.employee_edit, name="employee_edit"),
    path(
        "people/employees/<int:pk>/password/",
        employees.employee_password_reset,
        name="employee_password_reset",
    ),
    path("people/employees/import/", employees.employee_import, name="employee_import"),
    path(
        "people/employees/import/template.xlsx",
        employees.roster_template,
        name="roster_template",
    ),
    path("people/employees/export.xlsx", employees.employee_export, name="employee_export"),
    path("people/departments/", departments.department_list_page, name="department_list"),
    path("people/departments/new/", departments.department_create, name="department_create"),
    path("people/departments/<int:pk>/edit/", departments.department_edit, name="department_edit"),
    path(
        "people/departments/<int:pk>/delete/",
        departments.department_delete,
        name="department_delete",
    ),
    # Audit log
    path("audit/", audit.audit_log, name="audit_log"),
    # Courses, trainings, self-study and questionnaires
    path("", include("frontend.urls_courses")),
    path("", include("frontend.urls_study")),
    path("", include("frontend.urls_questionnaires")),
    # Attendance
    path("", include("frontend.urls_attendance_live")),
    path("", include("frontend.urls_attendance_reports")),
    path("", include("frontend.urls_bank")),
    path("", include("frontend.urls_papers")),
    path("", include("frontend.urls_exam_taking")),
    path("", include("frontend.urls_exam_results")),
    path("", include("frontend.urls_exam_admin")),
    path("", include("frontend.urls_proctor")),
    path("", include("frontend.urls_verify")),
    path("", include("frontend.urls_certificates")),
]
