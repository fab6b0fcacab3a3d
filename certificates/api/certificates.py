"""API of certificate types and certificates: issue (one or a batch), the list and detail,
PDFs, revocation, suspension, reviews, violations, renewal, external certificates, the due
dashboard and the roster compliance check. Public verification is in ``verify.py``.

Who may do what: the safety officer (and the admin) everything; HR reads types, every
certificate and the due lists, and changes nothing; anyone signed in reads their own
certificates and their PDFs (another's is a 404); anonymous callers get 401.
"""

from django.db import transaction
from django.forms.models import model_to_dict
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from certificates import compliance, exports, selectors, services
from certificates import pdf as certificate_pdf
from certificates.api.serializers import (
    CertificateBatchIssueSerializer,
    CertificateBatchPdfSerializer,
    CertificateDecisionSerializer,
    CertificateDetailSerializer,
    CertificateFilterSerializer,
    CertificateIssueSerializer,
    CertificateReasonSerializer,
    CertificateRenewSerializer,
    CertificateReviewInputSerializer,
    CertificateReviewSerializer,
    CertificateSerializer,
    CertificateTypeSerializer,
    ComplianceRosterSerializer,
    ExternalCertificateSerializer,
    ViolationInputSerializer,
    ViolationSerializer,
    rules_payload,
)
from certificates.models import Certificate, CertificateType
from core.api import Pagination, role_permission
from core.audit import audit_record
from core.excel import XLSX_CONTENT_TYPE
from core.http import attachment_response, content_disposition
from core.parsers import FormParser, MultiPartParser
from core.roles import Role
from core.uploads import refused_upload_error

CertificateManagers = role_permission(Role.SAFETY_OFFICER)
CertificateReaders = role_permission(Role.SAFETY_OFFICER, read_only_roles=(Role.HR,))
PDF_CONTENT_TYPE = "application/pdf"


def _query(request) -> dict:
    # ``?status=`` means no filter, and a missing boolean stays None (a QueryDict would make
    # it false).
    return {key: value for key, value in request.query_params.items() if value != ""}


def _check_refused_upload(request, field: str = "file") -> None:
    request.data  # noqa: B018 (parsing the body runs the size-limit upload handler)
    error = refused_upload_error(request, field)
    if error is not None:
        raise serializers.ValidationError({field: error.messages})


# Types -------------------------------------------------------------------------------------

TYPE_AUDIT_FIELDS = (
    "code",
    "category",
    "operation_item",
    "validity_years",
    "review_interval_years",
    "pass_score",
    "refresher_hours",
    "is_active",
)


def _type_fields(certificate_type: CertificateType) -> dict:
    return model_to_dict(certificate_type, fields=TYPE_AUDIT_FIELDS)


class CertificateTypeViewSet(viewsets.ModelViewSet):
    """Certificate types: the national catalogue (code, category and operation item fixed)
    and the company's own permits. The safety officer creates and edits them; HR reads. A
    type that has certificates is not deleted (400): make it inactive instead."""

    serializer_class = CertificateTypeSerializer
    permission_classes = [CertificateReaders]
    pagination_class = Pagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        types = CertificateType.objects.prefetch_related(
            "theory_exams", "practical_exams", "refresher_courses"
        )
        active = self.request.query_params.get("active")
        if active in ("true", "false"):
            types = types.filter(is_active=active == "true")
        return types

    # No service writes types yet; each write is one transaction with its audit entry.
    @transaction.atomic
    def perform_create(self, serializer):
        certificate_type = serializer.save()
        audit_record(
            actor=self.request.user,
            action="certificate_type.created",
            target=certificate_type,
            after=_type_fields(certificate_type),
        )

    @transaction.atomic
    def perform_update(self, serializer):
        before = _type_fields(serializer.instance)
        certificate_type = serializer.save()
        audit_record(
            actor=self.request.user,
            action="certificate_type.updated",
            target=certificate_type,
            before=before,
            after=_type_fields(certificate_type),
        )

    @transaction.atomic
    def perform_destroy(self, instance):
        if Certificate.objects.filter(certificate_type=instance).exists():
            raise serializers.ValidationError(
                {"detail": _("The type has certificates; make it inactive instead.")}
            )
        audit_record(
            actor=self.request.user,
            action="certificate_type.deleted",
            target=instance,
            before=_type_fields(instance),
        )
        instance.delete()


# Certificates ------------------------------------------------------------------------------

READ_ACTIONS = {"list", "retrieve", "pdf"}
HR_READ_ACTIONS = {"due", "due_xlsx"}
FILE_ACTIONS = {"pdf", "due_xlsx", "compliance_xlsx"}


class CertificateViewSet(viewsets.GenericViewSet):
    """Certificates. The list shows every certificate to the safety officer and HR (filters:
    ``certificate_type``, ``status``, ``department`` with its sub-departments, ``search`` in
    number / name / employee number, ``external``) and one's own to everyone else; the rows of
    each page have their status brought up to date as they are read. The other operations are
    the safety officer's."""

    serializer_class = CertificateSerializer
    pagination_class = Pagination
    lookup_value_regex = r"\d+"

    def get_permissions(self):
        if self.action in READ_ACTIONS:
            return [IsAuthenticated()]
        if self.action in HR_READ_ACTIONS:
            return [CertificateReaders()]
        return [CertificateManagers()]

    def perform_content_negotiation(self, request, force=False):
        # File answers ignore Accept and DRF's ``?format=`` override (``?format=card`` would
        # otherwise be taken for a renderer and answered with 404); their errors stay JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action in FILE_ACTIONS
        )

    def get_queryset(self):
        return selectors.certificate_list_for_user(self.request.user)

    def get_object(self) -> Certificate:
        certificate = selectors.certificate_get_for_user(
            user=self.request.user, certificate_id=int(self.kwargs["pk"])
        )
        self.check_object_permissions(self.request, certificate)
        return certificate

    def _detail(self, certificate: Certificate) -> dict:
        certificate = (
            selectors.certificate_list_for_user(self.request.user)
            .prefetch_related("reviews", "violations")
            .get(pk=certificate.pk)
        )
        return CertificateDetailSerializer(certificate).data

    @extend_schema(parameters=[CertificateFilterSerializer])
    def list(self, request):
        filters = CertificateFilterSerializer(data=_query(request))
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        data["text"] = data.pop("search", "")
        certificates = self.get_queryset() & selectors.certificate_search(**data)
        page = self.paginate_queryset(certificates)
        for certificate in page:
            services.certificate_refresh_status(certificate=certificate)
        return self.get_paginated_response(CertificateSerializer(page, many=True).data)

    @extend_schema(responses=CertificateDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(self._detail(self.get_object()))

    @extend_schema(request=CertificateIssueSerializer, responses={201: CertificateDetailSerializer})
    def create(self, request):
        """Issue when every rule holds; otherwise 400 with ``rules``: [{rule, message}]. With
        ``override_reason`` an officer holding the override permission issues anyway (403
        without it); a live certificate of the type already held is a 409."""
        body = CertificateIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            certificate = services.certificate_issue(actor=request.user, **body.validated_data)
        except services.RulesNotMet as refused:
            return Response(
                {
                    "detail": _("The certificate cannot be issued: a rule is not met."),
                    "rules": rules_payload(refused.failures),
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(self._detail(certificate), status=status.HTTP_201_CREATED)

    @extend_schema(request=CertificateBatchIssueSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], url_path="batch-issue")
    def batch_issue(self, request):
        """Issue to everyone eligible from a theory exam: ``issued`` (certificates) and
        ``refused`` (who, and the rules each fails)."""
        body = CertificateBatchIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        batch = services.certificates_issue_batch(actor=request.user, **body.validated_data)
        return Response(
            {
                "issued": CertificateSerializer(batch.issued, many=True).data,
                "refused": [
                    {
                        "employee": employee.pk,
                        "employee_no": employee.employee_no,
                        "name": employee.name,
                        "rules": rules_payload(failures),
                    }
                    for employee, failures in batch.refused
                ],
            }
        )

    def _decision(self, request, decide, body_class=CertificateReasonSerializer) -> Response:
        certificate = self.get_object()  # one the caller may not see is a 404, whatever the body
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        certificate = decide(actor=request.user, certificate=certificate, **body.validated_data)
        return Response(self._detail(certificate))

    @extend_schema(request=CertificateDecisionSerializer, responses=CertificateDetailSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke for good, with the reason and its category. The public verification shows
        only the category; the reason in the officer's words stays with staff."""
        return self._decision(
            request, services.certificate_revoke, body_class=CertificateDecisionSerializer
        )

    @extend_schema(request=CertificateDecisionSerializer, responses=CertificateDetailSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        """Suspend by decision until reinstated or reviewed, with the reason and its category
        (the public verification shows only the category)."""
        return self._decision(
            request, services.certificate_suspend, body_class=CertificateDecisionSerializer
        )

    @extend_schema(request=CertificateReasonSerializer, responses=CertificateDetailSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        """Lift a suspension by decision (409 when not suspended by decision)."""
        return self._decision(request, services.certificate_reinstate)

    @extend_schema(
        request=CertificateReviewInputSerializer, responses={201: CertificateReviewSerializer}
    )
    @action(detail=True, methods=["post"])
    def reviews(self, request, pk=None):
        """Record a periodic review; refused (400 ``review``: the rules) for violations or
        missing refresher hours, 409 for a revoked, expired or external certificate."""
        certificate = self.get_object()
        body = CertificateReviewInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review = services.certificate_review(
            actor=request.user, certificate=certificate, **body.validated_data
        )
        data = dict(CertificateReviewSerializer(review).data)
        data["certificate"] = self._detail(certificate)
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ViolationInputSerializer, responses={201: ViolationSerializer})
    @action(detail=True, methods=["post"])
    def violations(self, request, pk=None):
        """Record a violation by the holder (two, or one serious, block reviews)."""
        certificate = self.get_object()
        body = ViolationInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        violation = services.violation_record(
            actor=request.user, certificate=certificate, **body.validated_data
        )
        return Response(ViolationSerializer(violation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CertificateRenewSerializer, responses={201: CertificateDetailSerializer})
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        """A new certificate linked to this one (from 90 days before the end of validity)."""
        certificate = self.get_object()
        body = CertificateRenewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        new = services.certificate_renew(
            actor=request.user, certificate=certificate, **body.validated_data
        )
        return Response(self._detail(new), status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": ExternalCertificateSerializer},
        responses={201: CertificateDetailSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="external",
        parser_classes=[MultiPartParser, FormParser],
    )
    def external(self, request):
        """Register a certificate issued by an outside authority, with its scan (``file``:
        PDF, PNG or JPEG, at most 10 MB)."""
        _check_refused_upload(request)
        body = ExternalCertificateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        certificate = services.certificate_register_external(
            actor=request.user, scan=data.pop("file"), **data
        )
        return Response(self._detail(certificate), status=status.HTTP_201_CREATED)

    # Files -----------------------------------------------------------------------------------

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "layout", str, enum=["certificate", "card"], description="also as ``format``"
            )
        ],
        responses={(200, PDF_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The A4 certificate, or with ``layout=card`` (or ``format=card``) the wallet card;
        the holder's own, or any for the safety officer and HR."""
        certificate = self.get_object()
        layout = request.query_params.get("layout") or request.query_params.get("format") or ""
        if layout not in ("", "a4", "certificate", "card"):
            raise serializers.ValidationError({"layout": [_("Choose “certificate” or “card”.")]})
        if layout == "card":
            content, suffix = certificate_pdf.wallet_card(certificate), "-card"
        else:
            content, suffix = certificate_pdf.certificate_a4(certificate), ""
        return attachment_response(
            content, filename=f"{certificate.number}{suffix}.pdf", content_type=PDF_CONTENT_TYPE
        )

    @extend_schema(
        request=CertificateBatchPdfSerializer,
        responses={(200, PDF_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["post"], url_path="batch-pdf")
    def batch_pdf(self, request):
        """One PDF of up to 1,000 certificates in the order given, streamed: one A4
        certificate per page, or (``layout=cards``) wallet cards several to a sheet with crop
        marks. Unknown ids are a 400 naming them."""
        body = CertificateBatchPdfSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data["ids"]
        found = (
            Certificate.objects.select_related("certificate_type", "holder")
            .prefetch_related("reviews")
            .in_bulk(ids)
        )
        certificates = [found[pk] for pk in ids]
        if body.validated_data["layout"] == "cards":
            stream, filename = certificate_pdf.cards_sheet_stream(certificates), "cards.pdf"
        else:
            stream, filename = certificate_pdf.certificates_stream(certificates), "certificates.pdf"
        response = StreamingHttpResponse(stream, content_type=PDF_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition(filename)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    # Dashboard and compliance ------------------------------------------------------------------

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def due(self, request):
        """Certificates whose review is due within 60 days, overdue, or whose validity ends
        within 60 days (revoked and expired left out)."""
        due = selectors.certificates_due()
        return Response(
            {
                "review_due": CertificateSerializer(due.review_due, many=True).data,
                "overdue": CertificateSerializer(due.overdue, many=True).data,
                "expiring": CertificateSerializer(due.expiring, many=True).data,
            }
        )

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    def due_xlsx(self, request):
        """The due lists as a workbook."""
        return attachment_response(
            exports.due_xlsx(selectors.certificates_due()),
            filename="certificates-due.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )

    def _compliance(self, request):
        _check_refused_upload(request)
        body = ComplianceRosterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # One byte past the limit is enough for the check to refuse the file as too large.
        return compliance.compliance_check(
            data=body.validated_data["file"].read(compliance.MAX_FILE_BYTES + 1)
        )

    @extend_schema(
        request={"multipart/form-data": ComplianceRosterSerializer},
        parameters=[OpenApiParameter("download", str, enum=["xlsx"])],
        responses=OpenApiTypes.OBJECT,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="compliance-check",
        parser_classes=[MultiPartParser, FormParser],
    )
    def compliance_check(self, request):
        """Check a roster of people assigned to special work (employee number or ID number,
        name, special work): ``{checked, compliant, problems: [{row, employee_no, name,
        problem}]}``; an unreadable roster is a 400 with ``errors`` [{row, column, message}].
        ``?download=xlsx`` answers with the result as a workbook."""
        if request.query_params.get("download") == "xlsx":
            return self.compliance_xlsx(request)
        result = self._compliance(request)
        if result.errors:
            return Response(_errors_payload(result), status=status.HTTP_400_BAD_REQUEST)
        return Response(result.as_dict())

    @extend_schema(
        request={"multipart/form-data": ComplianceRosterSerializer},
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    def compliance_xlsx(self, request):
        """The compliance check's answer as a workbook."""
        result = self._compliance(request)
        if result.errors:
            return Response(_errors_payload(result), status=status.HTTP_400_BAD_REQUEST)
        return attachment_response(
            compliance.compliance_xlsx(result),
            filename="compliance-check.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )


def _errors_payload(result) -> dict:
    return {"errors": result.as_dict().get("errors", [])}
