from django.urls import path

from certificates.api.verify import VerifyView

urlpatterns = [
    path("verify/", VerifyView.as_view(), name="api-certificate-verify"),
]
