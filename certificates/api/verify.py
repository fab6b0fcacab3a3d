"""The public verification API: a certificate by number and holder name, no login.

A wrong number or a wrong name gives the same ``{"valid": false}`` with 404, whichever was
wrong. Every request counts against the caller's address (``certificates.throttle``); over
the limit the answer is 429 with ``Retry-After``.
"""

from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates.models import StatusReasonCategory
from certificates.selectors import certificate_lookup, public_view
from certificates.throttle import throttled_message, verify_attempt
from core.http import client_ip

VerifyResult = inline_serializer(
    "CertificateVerification",
    fields={
        "valid": serializers.BooleanField(),
        "status": serializers.ChoiceField(
            choices=["valid", "review_due", "suspended", "expired", "revoked"]
        ),
        "status_label": serializers.CharField(),
        "reason": serializers.CharField(
            help_text="suspended or revoked: the translated category of the reason (never the "
            "officer's own words); empty otherwise"
        ),
        "reason_category": serializers.ChoiceField(
            choices=StatusReasonCategory.choices,
            allow_blank=True,
            help_text="the category's code, empty unless suspended or revoked",
        ),
        "holder": serializers.CharField(help_text="masked name, e.g. 张*伟"),
        "national_id": serializers.CharField(help_text="masked ID number"),
        "number": serializers.CharField(),
        "certificate_type": serializers.CharField(),
        "category": serializers.CharField(),
        "operation_item": serializers.CharField(),
        "issued_on": serializers.DateField(),
        "expires_on": serializers.DateField(),
        "next_review_due": serializers.DateField(allow_null=True),
        "issuer": serializers.CharField(),
        "external": serializers.BooleanField(),
        "signature_holds": serializers.BooleanField(),
        "reviews": serializers.ListField(child=serializers.DateField()),
    },
)
NotFoundResult = inline_serializer(
    "CertificateVerificationNotFound", fields={"valid": serializers.BooleanField()}
)
ThrottledResult = inline_serializer(
    "CertificateVerificationThrottled", fields={"detail": serializers.CharField()}
)


class VerifyView(APIView):
    """Check a certificate by its number and the holder's full name (public, no login)."""

    permission_classes = [AllowAny]
    # Public and read-only: credentials are never needed, so a stale token or session
    # never turns the answer into a 401.
    authentication_classes = []

    @extend_schema(
        operation_id="certificate_verify",
        parameters=[
            OpenApiParameter("number", str, required=True, description="certificate number"),
            OpenApiParameter("name", str, required=True, description="holder's full name"),
        ],
        responses={200: VerifyResult, 404: NotFoundResult, 429: ThrottledResult},
        auth=[],
    )
    def get(self, request):
        allowed, retry_after = verify_attempt(client_ip(request))
        if not allowed:
            response = Response(
                {"detail": throttled_message(retry_after)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(retry_after)},
            )
        else:
            certificate = certificate_lookup(
                number=request.query_params.get("number", ""),
                name=request.query_params.get("name", ""),
            )
            if certificate is None:
                response = Response({"valid": False}, status=status.HTTP_404_NOT_FOUND)
            else:
                response = Response(public_view(certificate).as_dict())
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response
