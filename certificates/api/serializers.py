"""Serializers of the certificates API: what a type and a certificate look like, and the
bodies of each operation (checked here for shape and type only; the rules are the services')."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework import serializers

from certificates.models import (
    Certificate,
    CertificateReview,
    CertificateStatus,
    CertificateType,
    StatusReasonCategory,
    Violation,
)
from certificates.selectors import verify_url
from courses.models import Course
from exams.models import Exam, ExamKind
from people.models import Department, Employee

BATCH_PDF_MAX = 1000
SCAN_MAX_SIZE = 10 * 1024 * 1024
# What a scan may be, recognised by its first bytes (never by its name or claimed type).
SCAN_SIGNATURES = {
    b"%PDF-": ".pdf",
    b"\x89PNG\r\n\x1a\n": ".png",
    b"\xff\xd8\xff": ".jpg",
}


# Types -------------------------------------------------------------------------------------


class CertificateTypeSerializer(serializers.ModelSerializer):
    """A type. A national type (the seeded catalogue) keeps its code, category and operation
    item; the rest may be tuned. ``national`` is never set through the API."""

    theory_exams = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Exam.objects.all(), required=False
    )
    practical_exams = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Exam.objects.all(), required=False
    )
    refresher_courses = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Course.objects.all(), required=False
    )
    pass_score = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    refresher_hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=1000, required=False
    )

    FIXED_ON_NATIONAL = ("code", "category", "operation_item")

    class Meta:
        model = CertificateType
        fields = [
            "id",
            "code",
            "category",
            "operation_item",
            "national",
            "validity_years",
            "review_interval_years",
            "pass_score",
            "refresher_hours",
            "theory_exams",
            "practical_exams",
            "refresher_courses",
            "is_active",
        ]
        read_only_fields = ["national"]

    def validate_practical_exams(self, exams):
        wrong = [exam.pk for exam in exams if exam.kind != ExamKind.PRACTICAL]
        if wrong:
            raise serializers.ValidationError(
                _("Not practical exams: %s.") % ", ".join(map(str, wrong))
            )
        return exams

    def validate_theory_exams(self, exams):
        wrong = [exam.pk for exam in exams if exam.kind == ExamKind.PRACTICAL]
        if wrong:
            raise serializers.ValidationError(
                _("Practical exams cannot qualify as theory: %s.") % ", ".join(map(str, wrong))
            )
        return exams

    def validate(self, data):
        instance = self.instance
        if instance is not None and instance.national:
            changed = [
                name
                for name in self.FIXED_ON_NATIONAL
                if name in data and data[name] != getattr(instance, name)
            ]
            if changed:
                raise serializers.ValidationError(
                    {
                        name: [
                            _(
                                "A type of the national catalogue keeps its code, category "
                                "and operation item."
                            )
                        ]
                        for name in changed
                    }
                )
        validity = data.get("validity_years", instance.validity_years if instance else 6)
        interval = data.get(
            "review_interval_years", instance.review_interval_years if instance else 3
        )
        if interval > validity:
            raise serializers.ValidationError(
                {"review_interval_years": [_("The review interval exceeds the validity.")]}
            )
        return data


# Certificates ------------------------------------------------------------------------------


class CertificateSerializer(serializers.ModelSerializer):
    """A certificate as listed."""

    employee_no = serializers.CharField(source="holder.employee_no", read_only=True)
    department = serializers.CharField(source="holder.department.path", read_only=True)
    certificate_type_name = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "holder",
            "holder_name",
            "employee_no",
            "department",
            "certificate_type",
            "certificate_type_name",
            "issued_on",
            "expires_on",
            "next_review_due",
            "review_interval_years",
            "status",
            "status_reason",
            "status_reason_category",
            "external",
            "issuing_authority",
            "renewed_from",
            "verify_url",
        ]
        read_only_fields = fields
        # Read-only fields lose the model's blank=True; without it the schema's enum would
        # leave out "" (no reason given), which most certificates carry.
        extra_kwargs = {"status_reason_category": {"allow_blank": True}}

    def get_certificate_type_name(self, certificate) -> str:
        return str(certificate.certificate_type)

    def get_verify_url(self, certificate) -> str:
        return verify_url(certificate)


class CertificateReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificateReview
        fields = [
            "id",
            "reviewed_on",
            "passed",
            "refresher_hours",
            "note",
            "extended_interval",
            "years_in_trade",
            "previous_due",
            "created_at",
        ]
        read_only_fields = fields


class ViolationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Violation
        fields = ["id", "occurred_on", "serious", "description", "created_at"]
        read_only_fields = fields


class CertificateDetailSerializer(CertificateSerializer):
    """One certificate with its exams, scores, reviews and violations."""

    reviews = CertificateReviewSerializer(many=True, read_only=True)
    violations = ViolationSerializer(many=True, read_only=True)
    renewed_by = serializers.SerializerMethodField()

    class Meta(CertificateSerializer.Meta):
        fields = [
            *CertificateSerializer.Meta.fields,
            "renewed_by",
            "theory_exam",
            "practical_exam",
            "theory_score",
            "practical_score",
            "override_reason",
            "created_at",
            "reviews",
            "violations",
        ]
        read_only_fields = fields

    def get_renewed_by(self, certificate) -> int | None:
        renewal = Certificate.objects.filter(renewed_from=certificate).values("pk").first()
        return renewal["pk"] if renewal else None


class CertificateFilterSerializer(serializers.Serializer):
    certificate_type = serializers.PrimaryKeyRelatedField(
        queryset=CertificateType.objects.all(), required=False
    )
    status = serializers.ChoiceField(choices=CertificateStatus.choices, required=False)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False
    )
    search = serializers.CharField(required=False, max_length=100)
    external = serializers.BooleanField(required=False, allow_null=True, default=None)


def rules_payload(failures) -> list[dict]:
    return [{"rule": failure.rule, "message": str(failure.message)} for failure in failures]


# Operation bodies ----------------------------------------------------------------------------


class CertificateIssueSerializer(serializers.Serializer):
    holder = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.all())
    certificate_type = serializers.PrimaryKeyRelatedField(queryset=CertificateType.objects.all())
    theory_exam = serializers.PrimaryKeyRelatedField(queryset=Exam.objects.all(), allow_null=True)
    practical_exam = serializers.PrimaryKeyRelatedField(
        queryset=Exam.objects.all(), required=False, allow_null=True, default=None
    )
    override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default=""
    )
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)


class CertificateBatchIssueSerializer(serializers.Serializer):
    certificate_type = serializers.PrimaryKeyRelatedField(queryset=CertificateType.objects.all())
    theory_exam = serializers.PrimaryKeyRelatedField(queryset=Exam.objects.all())
    practical_exam = serializers.PrimaryKeyRelatedField(
        queryset=Exam.objects.all(), required=False, allow_null=True, default=None
    )
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)


class CertificateReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class CertificateDecisionSerializer(CertificateReasonSerializer):
    """Suspending or revoking: the reason in the officer's words (staff only) and its
    category (what the public verification shows)."""

    reason_category = serializers.ChoiceField(choices=StatusReasonCategory.choices)


class CertificateReviewInputSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField()
    passed = serializers.BooleanField()
    refresher_hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    extended_interval = serializers.BooleanField(required=False, default=False)
    years_in_trade = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=80, default=None
    )


class ViolationInputSerializer(serializers.Serializer):
    occurred_on = serializers.DateField()
    serious = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(max_length=500)


class CertificateRenewSerializer(serializers.Serializer):
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)


class CertificateBatchPdfSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=BATCH_PDF_MAX
    )
    layout = serializers.ChoiceField(
        choices=[("certificates", "certificates"), ("cards", "cards")],
        required=False,
        default="certificates",
    )

    def validate_ids(self, ids):
        ids = list(dict.fromkeys(ids))  # once each, first order kept
        known = set(Certificate.objects.filter(pk__in=ids).values_list("pk", flat=True))
        unknown = [pk for pk in ids if pk not in known]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown certificates: %s.") % ", ".join(map(str, unknown))
            )
        return ids


def _file_head(upload, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


class ExternalCertificateSerializer(serializers.Serializer):
    holder = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.all())
    certificate_type = serializers.PrimaryKeyRelatedField(queryset=CertificateType.objects.all())
    number = serializers.CharField(max_length=40)
    issuing_authority = serializers.CharField(max_length=200)
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()
    next_review_due = serializers.DateField(required=False, allow_null=True, default=None)
    file = serializers.FileField(required=False, allow_null=True, default=None)

    def validate_file(self, upload):
        """A PDF, PNG or JPEG by its content, at most 10 MB; stored under a name that matches
        the content, whatever the upload was called."""
        if upload is None:
            return None
        if upload.size > SCAN_MAX_SIZE:
            raise serializers.ValidationError(
                _("The scan is %(size)s; at most %(limit)s is accepted.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(SCAN_MAX_SIZE)}
            )
        head = _file_head(upload, 16)
        for signature, extension in SCAN_SIGNATURES.items():
            if head.startswith(signature):
                upload.name = f"scan{extension}"
                return upload
        raise serializers.ValidationError(_("The scan must be a PDF, PNG or JPEG file."))


class ComplianceRosterSerializer(serializers.Serializer):
    # Whether it is a workbook, and its size, the compliance check itself answers (as
    # ``errors``, like every other problem with the roster).
    file = serializers.FileField()
