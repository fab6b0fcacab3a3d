"""Certificate pages: the safety officer's list, issuing, decisions, types, dashboard and
compliance check; the holder's own certificates. (The public verify pages are elsewhere.)"""

from django.urls import path

from frontend.views import (
    certificates_admin,
    certificates_holder,
    certificates_issue,
    certificates_reports,
)

urlpatterns = [
    path("certificates/", certificates_admin.certificate_list, name="certificate_list"),
    path(
        "certificates/print/",
        certificates_admin.certificate_batch_print,
        name="certificate_batch_print",
    ),
    path("certificates/issue/", certificates_issue.certificate_issue, name="certificate_issue"),
    path(
        "certificates/batch-issue/",
        certificates_issue.certificate_batch_issue,
        name="certificate_batch_issue",
    ),
    path(
        "certificates/external/new/",
        certificates_issue.certificate_register_external,
        name="certificate_register_external",
    ),
    path(
        "certificates/types/",
        certificates_issue.certificate_type_list,
        name="certificate_type_list",
    ),
    path(
        "certificates/types/new/",
        certificates_issue.certificate_type_create,
        name="certificate_type_create",
    ),
    path(
        "certificates/types/<int:pk>/edit/",
        certificates_issue.certificate_type_edit,
        name="certificate_type_edit",
    ),
    path("certificates/due/", certificates_reports.certificates_due_page, name="certificates_due"),
    path(
        "certificates/due.xlsx",
        certificates_reports.certificates_due_xlsx,
        name="certificates_due_xlsx",
    ),
    path(
        "certificates/compliance/",
        certificates_reports.compliance_check_page,
        name="certificate_compliance",
    ),
    path(
        "certificates/compliance/answer.xlsx",
        certificates_reports.compliance_answer_xlsx,
        name="certificate_compliance_xlsx",
    ),
    path(
        "certificates/<int:pk>/", certificates_admin.certificate_detail, name="certificate_detail"
    ),
    path(
        "certificates/<int:pk>/review/",
        certificates_admin.certificate_review,
        name="certificate_review",
    ),
    path(
        "certificates/<int:pk>/violation/",
        certificates_admin.certificate_violation,
        name="certificate_violation",
    ),
    path(
        "certificates/<int:pk>/suspend/",
        certificates_admin.certificate_suspend,
        name="certificate_suspend",
    ),
    path(
        "certificates/<int:pk>/reinstate/",
        certificates_admin.certificate_reinstate,
        name="certificate_reinstate",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        certificates_admin.certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "certificates/<int:pk>/renew/",
        certificates_admin.certificate_renew,
        name="certificate_renew",
    ),
    path("certificates/<int:pk>/qr.svg", certificates_admin.certificate_qr, name="certificate_qr"),
    path(
        "certificates/<int:pk>/scan/",
        certificates_admin.certificate_file,
        {"kind": "scan"},
        name="certificate_scan",
    ),
    path(
        "certificates/<int:pk>/photo/",
        certificates_admin.certificate_file,
        {"kind": "photo"},
        name="certificate_photo",
    ),
    path(
        "certificates/<int:pk>/certificate.pdf",
        certificates_holder.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "certificates/<int:pk>/card.pdf",
        certificates_holder.certificate_card,
        name="certificate_card",
    ),
    path("my/certificates/", certificates_holder.my_certificates, name="my_certificates"),
]
