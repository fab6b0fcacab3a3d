"""Attendance API: sign-in windows and codes, self sign-in, roll call, the board, a
training's attendance and its policy."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from attendance import codes, selectors, services
from attendance.devices import DEVICE_COOKIE, DEVICE_HEADER
from attendance.models import ProxyCheck, Status
from core.errors import NotFound
from core.http import client_ip
from core.roles import Role, has_role
from courses.models import Training
from courses.selectors.trainings import training_get_for_user, user_teaches_training
from people.models import Employee


def _runner_session(request, session_id: int):
    return selectors.session_get_for_runner(user=request.user, session_id=session_id)


def code_payload(request, window) -> dict:
    """The code to show now, when it expires and the absolute URL the QR code opens."""
    now = timezone.now()
    slot = codes.slot_at(window, now)
    qr_path = reverse("session_sign_in_qr", args=[window.session_id, codes.qr_token(window, slot)])
    return {
        "code": codes.short_code(window, slot),
        "expires_at": codes.slot_start(window, slot + 1),
        "qr_url": request.build_absolute_uri(qr_path),
        "opens_at": window.opens_at,
        "closes_at": window.closes_at,
        "open": selectors.window_is_open(window, now),
        "rotation_seconds": window.rotation_seconds,
    }


class WindowSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField(required=False)
    closes_at = serializers.DateTimeField(required=False)
    late_after_minutes = serializers.IntegerField(required=False, min_value=0, max_value=240)


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    expires_at = serializers.DateTimeField()
    qr_url = serializers.URLField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    open = serializers.BooleanField()
    rotation_seconds = serializers.IntegerField()


class SignInWindowView(APIView):
    """The session's self sign-in (runners only: the safety officer and the session's or
    training's instructors). POST opens it (or changes its times) and returns the current
    code; GET returns the current code; DELETE closes it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=WindowSerializer, responses=CodeSerializer)
    def post(self, request, session_id: int):
        session = _runner_session(request, session_id)
        body = WindowSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        window = services.window_open(actor=request.user, session=session, **body.validated_data)
        return Response(CodeSerializer(code_payload(request, window)).data)

    @extend_schema(responses=CodeSerializer)
    def get(self, request, session_id: int):
        session = _runner_session(request, session_id)
        window = selectors.window_for(session)
        if window is None:
            raise NotFound("Self sign-in has not been opened for this session.")
        return Response(CodeSerializer(code_payload(request, window)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, session_id: int):
        services.window_close(actor=request.user, session=_runner_session(request, session_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignInSerializer(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True, max_length=20)
    token = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def validate(self, data):
        if not data.get("code") and not data.get("token"):
            raise serializers.ValidationError({"code": ["The code on the screen is required."]})
        return data


class RecordSerializer(serializers.Serializer):
    employee = serializers.IntegerField(source="employee_id")
    status = serializers.CharField()
    reason = serializers.CharField()
    method = serializers.CharField()
    signed_in_at = serializers.DateTimeField(allow_null=True)
    recorded_at = serializers.DateTimeField()


class SignInRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(
        choices=[
            "invalid_code",
            "code_expired",
            "other_session_code",
            "sign_in_not_open",
            "network_not_allowed",
            "proxy_suspected",
            "sign_in_locked",
        ]
    )


class SignInFieldErrorsSerializer(serializers.Serializer):
    """A body that does not validate: the field's messages."""

    code = serializers.ListField(child=serializers.CharField(), required=False)
    token = serializers.ListField(child=serializers.CharField(), required=False)


def _presented_device(request) -> str:
    """The device id the client presents: an app's ``X-Device-Id`` header, or the sign-in
    page's cookie when a browser calls the API; "" for neither (the service then identifies
    the client by address and user agent, see ``attendance.devices``)."""
    return (request.headers.get(DEVICE_HEADER) or request.COOKIES.get(DEVICE_COOKIE) or "")[:100]


def _refusal_response(refusal: services.SignInRefused) -> Response:
    response = Response(
        SignInRefusalSerializer({"detail": refusal.message, "code": refusal.code}).data,
        status=refusal.status_code,
    )
    if isinstance(refusal, services.SignInLocked) and refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response


class SignInView(APIView):
    """A trainee signs in with the code on the screen (``code``) or a scanned QR token
    (``token``): 201 with the new record, 200 with the first record when already signed in.
    A refusal is ``{"detail", "code"}``: 400 for a wrong or expired code, 409 when sign-in
    is not open, 403 from a refused network or device (``proxy_suspected``), 429
    (``sign_in_locked``, with ``Retry-After``) once the caller or their address is locked
    out after too many wrong codes; 404 for a session of a training the caller is not in.
    An app names its device in the ``X-Device-Id`` header (1 to 64 of ``A-Z a-z 0-9 _ -``,
    kept per installation); without one, the address and user agent stand for the device."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=SignInSerializer,
        parameters=[
            OpenApiParameter(
                DEVICE_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="The calling device's own id (1 to 64 of A-Z a-z 0-9 _ -).",
            )
        ],
        responses={
            200: RecordSerializer,
            201: RecordSerializer,
            400: PolymorphicProxySerializer(
                component_name="SignInBadRequest",
                serializers=[SignInRefusalSerializer, SignInFieldErrorsSerializer],
                resource_type_field_name=None,
            ),
            403: SignInRefusalSerializer,
            409: SignInRefusalSerializer,
            429: SignInRefusalSerializer,
        },
    )
    def post(self, request, session_id: int):
        session = selectors.session_get_for_trainee(user=request.user, session_id=session_id)
        body = SignInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = services.sign_in(
                session=session,
                employee=request.user.employee,
                code=body.validated_data.get("code"),
                token=body.validated_data.get("token"),
                client_ip=client_ip(request),
                device=_presented_device(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except services.SignInRefused as refusal:
            return _refusal_response(refusal)
        return Response(
            RecordSerializer(result.record).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class RollCallEntrySerializer(serializers.Serializer):
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.all())
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class RollCallView(APIView):
    """Set statuses for a session, all or nothing (runners only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=RollCallEntrySerializer(many=True), responses=RecordSerializer(many=True)
    )
    def put(self, request, session_id: int):
        session = _runner_session(request, session_id)
        body = RollCallEntrySerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        services.roll_call(
            actor=request.user,
            session=session,
            entries=[
                services.RollCallEntry(e["employee"], e["status"], e.get("reason", ""))
                for e in body.validated_data
            ],
        )
        records = session.attendance.order_by("employee__employee_no")
        return Response(RecordSerializer(records, many=True).data)


class BoardView(APIView):
    """The live board's figures and rows for a session (runners only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, session_id: int):
        board = selectors.session_board(_runner_session(request, session_id))
        return Response(
            {
                **selectors.board_counts_payload(board),
                "results": [row.__dict__ for row in board.rows],
            }
        )


def _training_for_staff(request, training_id: int) -> Training:
    """The training for the safety officer, HR and the people teaching it; others 404/403."""
    training = training_get_for_user(user=request.user, training_id=training_id)
    if not (
        has_role(request.user, Role.SAFETY_OFFICER, Role.HR)
        or user_teaches_training(request.user, training)
    ):
        raise PermissionDenied()
    return training


class TrainingAttendanceView(APIView):
    """Per trainee: sessions attended, late, absent, excused, rate, hours and full
    attendance, over the sessions held so far."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, training_id: int):
        summary = selectors.training_attendance(_training_for_staff(request, training_id))
        return Response(
            {
                "sessions": [
                    {
                        "id": s.pk,
                        "starts_at": s.starts_at,
                        "ends_at": s.ends_at,
                        "topic": s.topic,
                        "held": s in summary.sessions_held,
                    }
                    for s in summary.sessions
                ],
                "sessions_held": len(summary.sessions_held),
                "results": [
                    {
                        "employee": t.employee.pk,
                        "employee_no": t.employee.employee_no,
                        "name": t.employee.name,
                        "department": t.employee.department.path,
                        "attended": t.attended,
                        "late": t.late,
                        "absent": t.absent,
                        "excused": t.excused,
                        "rate": None if t.rate is None else float(t.rate),
                        "hours": float(t.hours),
                        "full_attendance": t.full_attendance,
                    }
                    for t in summary.trainees
                ],
                "departments": [
                    {
                        "department": d.department,
                        "trainees": d.trainees,
                        "rate": None if d.rate is None else float(d.rate),
                        "hours": float(d.hours),
                        "full_attendance": d.full_attendance,
                    }
                    for d in summary.departments
                ],
            }
        )


class PolicySerializer(serializers.Serializer):
    excused_counts_as_attended = serializers.BooleanField()
    allowed_networks = serializers.CharField(allow_blank=True, required=False, default="")
    proxy_check = serializers.ChoiceField(choices=ProxyCheck.choices)
    proxy_window_minutes = serializers.IntegerField(min_value=0, max_value=1440)


class PolicyView(APIView):
    """How the training counts attendance; the safety officer changes it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PolicySerializer)
    def get(self, request, training_id: int):
        policy = selectors.policy_for(_training_for_staff(request, training_id))
        return Response(PolicySerializer(policy).data)

    @extend_schema(request=PolicySerializer, responses=PolicySerializer)
    def put(self, request, training_id: int):
        training = _training_for_staff(request, training_id)
        if not has_role(request.user, Role.SAFETY_OFFICER):
            self.permission_denied(request)
        body = PolicySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        policy = services.policy_update(
            actor=request.user, training=training, **body.validated_data
        )
        return Response(PolicySerializer(policy).data)
