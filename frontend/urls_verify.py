"""The public verify pages (no login): the QR code's page, the lookup, the holder's photo."""

from django.urls import path

from frontend.views import verify

urlpatterns = [
    path("verify/", verify.verify_lookup, name="verify_lookup"),
    path("verify/<str:token>/", verify.verify_token, name="verify_token"),
    path("verify/<str:token>/photo/", verify.verify_photo, name="verify_photo"),
]
