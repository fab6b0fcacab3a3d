from django.urls import path
from rest_framework.routers import SimpleRouter

from certificates.api import certificates

router = SimpleRouter()
router.register(
    "certificate-types", certificates.CertificateTypeViewSet, basename="certificate-type"
)
router.register("certificates", certificates.CertificateViewSet, basename="certificate")

urlpatterns = [
    path(
        "certificates/due.xlsx",
        certificates.CertificateViewSet.as_view({"get": "due_xlsx"}),
        name="certificate-due-xlsx",
    ),
    path(
        "certificates/compliance-check.xlsx",
        certificates.CertificateViewSet.as_view({"post": "compliance_xlsx"}),
        name="certificate-compliance-xlsx",
    ),
    *router.urls,
]
