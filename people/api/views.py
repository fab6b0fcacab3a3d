from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api import role_permission
from core.excel import XLSX_CONTENT_TYPE
from core.http import attachment_response
from core.parsers import FormParser, JSONParser, MultiPartParser
from core.roles import Role, user_roles
from core.uploads import check_upload_size, refused_upload_error
from people import login_limits, roster, selectors, services
from people.api.serializers import (
    DepartmentSerializer,
    DetailSerializer,
    EmployeeSerializer,
    MeSerializer,
    OwnPasswordChangedSerializer,
    OwnPasswordChangeSerializer,
    PasswordSerializer,
    RosterImportResultSerializer,
    RosterUploadSerializer,
    TokenSerializer,
)
from people.models import Department
from people.password_change import session_remember_password_change

PeopleManagers = role_permission(Role.SAFETY_OFFICER)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return attachment_response(content, filename=filename, content_type=XLSX_CONTENT_TYPE)


class TokenView(ObtainAuthToken):
    """Exchange a user name and password for an API token; throttled against guessing."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    # The project's parsers (ObtainAuthToken names DRF's own): they refuse deep nesting and NUL.
    parser_classes = [FormParser, MultiPartParser, JSONParser]

    # Issued even while a password change is pending: the client needs one to make it.
    password_change_allowed = True

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiTypes.OBJECT,
            429: OpenApiResponse(DetailSerializer, description="too many failed sign-ins"),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        """A token for a user name and password. Failed attempts count like the login page's:
        per address and user name, and per address alone (password spraying); over either
        limit the answer is 429 without the password being checked. A user whose password
        was set by someone else gets a token too, but every endpoint except
        ``POST /api/v1/me/password/`` (and ``GET /api/v1/me/``) answers 403 until they change
        it."""
        data = request.data if hasattr(request.data, "get") else {}
        username = str(data.get("username") or "")
        client_ip = login_limits.client_address(request)
        if login_limits.login_address_blocked(client_ip=client_ip):
            return _sign_in_refused(per_address=True)
        if login_limits.login_blocked(client_ip=client_ip, username=username):
            return _sign_in_refused(per_address=False)
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # An empty field is a slip, not a guess: no password was checked.
            if username and data.get("password"):
                login_limits.login_failure_record(client_ip=client_ip, username=username)
            raise serializers.ValidationError(serializer.errors)
        login_limits.login_failures_clear(client_ip=client_ip, username=username)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


def _sign_in_refused(*, per_address: bool) -> Response:
    return Response(
        {"detail": login_limits.blocked_message(per_address=per_address)},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(settings.LOGIN_FAILURE_WINDOW_SECONDS)},
    )


class MePasswordView(APIView):
    """Change one's own password."""

    permission_classes = [IsAuthenticated]
    password_change_allowed = True

    @extend_schema(
        operation_id="me_password_change",
        request=OwnPasswordChangeSerializer,
        responses={
            200: OwnPasswordChangedSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="old_password not right, or new_password refused by the rules",
            ),
            401: OpenApiResponse(DetailSerializer, description="not signed in"),
            429: OpenApiResponse(DetailSerializer, description="too many wrong passwords"),
        },
    )
    def post(self, request):
        """Change the caller's password: ``old_password`` is the current one, ``new_password``
        must pass the password rules (length, not common, not all digits, not like the user
        name) and differ from the old one. Clears the "must change password" mark that makes
        every other endpoint answer 403 ``password_change_required``, and is audit-logged.
        Every API token of the user is deleted with the old password: a caller using a token
        gets a new one in ``token``; a session stays signed in. Wrong old passwords count
        like failed sign-ins (429 over the limit)."""
        body = OwnPasswordChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = request.user
        client_ip = login_limits.client_address(request)
        username = user.get_username()
        if login_limits.login_address_blocked(client_ip=client_ip):
            return _sign_in_refused(per_address=True)
        if login_limits.login_blocked(client_ip=client_ip, username=username):
            return _sign_in_refused(per_address=False)
        try:
            token = services.user_password_change(
                user=user,
                old_password=body.validated_data["old_password"],
                new_password=body.validated_data["new_password"],
                issue_token=isinstance(request.auth, Token),
            )
        except DjangoValidationError as error:
            if "old_password" in getattr(error, "message_dict", {}):
                login_limits.login_failure_record(client_ip=client_ip, username=username)
            raise
        if not isinstance(request.auth, Token):
            # Django's own view does the same: this session stays signed in, the others end.
            update_session_auth_hash(request._request, user)
            session_remember_password_change(request._request, required=False)
        return Response({"detail": _("Your password was changed."), "token": token})


class MeView(APIView):
    permission_classes = [IsAuthenticated]
    # Readable before a forced password change: it tells the client one is due.
    password_change_allowed = True

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        employee = selectors.employee_for_user(request.user)
        data = {
            "id": employee.pk if employee else None,
            "username": request.user.get_username(),
            "employee_no": employee.employee_no if employee else None,
            "name": employee.name
            if employee
            else request.user.get_full_name() or request.user.get_username(),
            "department": employee.department_id if employee else None,
            "department_path": employee.department.path if employee else None,
            "position": employee.position if employee else "",
            "roles": sorted(user_roles(request.user)),
            "is_admin": request.user.is_superuser,
            "must_change_password": bool(employee and employee.must_change_password),
        }
        return Response(MeSerializer(data).data)


@extend_schema(parameters=[OpenApiParameter("search", str, description="part of the full name")])
class DepartmentViewSet(viewsets.ModelViewSet):
    serializer_class = DepartmentSerializer
    permission_classes = [PeopleManagers]

    def get_queryset(self):
        departments = selectors.department_list(search=self.request.query_params.get("search", ""))
        parent = self.request.query_params.get("parent")
        if parent == "none":
            departments = departments.filter(parent__isnull=True)
        elif parent and parent.isdigit():
            departments = departments.filter(parent_id=int(parent))
        return departments

    def perform_create(self, serializer):
        serializer.instance = services.department_create(
            actor=self.request.user,
            name=serializer.validated_data["name"],
            parent=serializer.validated_data.get("parent"),
        )

    def perform_update(self, serializer):
        department = serializer.instance
        data = serializer.validated_data
        serializer.instance = services.department_update(
            actor=self.request.user,
            department=department,
            name=data.get("name", department.name),
            parent=data.get("parent", department.parent),
        )

    def perform_destroy(self, instance):
        services.department_delete(actor=self.request.user, department=instance)


class EmployeeFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False
    )
    position = serializers.CharField(required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


@extend_schema(parameters=[EmployeeFilterSerializer])
class EmployeeViewSet(viewsets.ModelViewSet):
    """Employees. DELETE deactivates the account (it can no longer sign in); the record and
    its training history stay."""

    serializer_class = EmployeeSerializer
    permission_classes = [PeopleManagers]

    def get_queryset(self):
        if self.action != "list":
            return selectors.employee_list()
        filters = EmployeeFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.employee_list(**filters.validated_data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        user = data.pop("user", {})
        serializer.instance = services.employee_create(
            actor=self.request.user,
            employee_no=data["employee_no"],
            name=data["name"],
            department=data["department"],
            position=data.get("position", ""),
            phone=data.get("phone", ""),
            national_id=data.get("national_id", ""),
            roles=data.get("roles", [Role.TRAINEE]),
            username=user.get("username", ""),
            password=data.get("password", ""),
        )
        if user.get("is_active") is False:
            services.employee_deactivate(actor=self.request.user, employee=serializer.instance)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        user = data.pop("user", {})
        if "username" in user or data.get("password"):
            raise serializers.ValidationError(
                {"detail": _("User name and password are set at creation only.")}
            )
        serializer.instance = services.employee_update(
            actor=self.request.user,
            employee=serializer.instance,
            employee_no=data.get("employee_no"),
            name=data.get("name"),
            department=data.get("department"),
            position=data.get("position"),
            phone=data.get("phone"),
            national_id=data.get("national_id"),
            active=user.get("is_active"),
            roles=data.get("roles"),
        )
        # Reload with the related rows the representation reads.
        serializer.instance = get_object_or_404(
            selectors.employee_list(), pk=serializer.instance.pk
        )

    def perform_destroy(self, instance):
        services.employee_deactivate(actor=self.request.user, employee=instance)

    @extend_schema(request=PasswordSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="password")
    def set_password(self, request, pk=None):
        """Set a new password; the employee must change it at the next sign-in."""
        body = PasswordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.employee_password_reset(
            actor=request.user, employee=self.get_object(), password=body.validated_data["password"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request={"multipart/form-data": RosterUploadSerializer},
        responses={200: RosterImportResultSerializer, 400: RosterImportResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_roster(self, request):
        """Import a roster workbook, all or nothing; any error: 400 and nothing written."""
        data = request.data  # parses the upload, which the size-limit handler may refuse
        refused = refused_upload_error(request, "file")
        if refused is not None:
            raise serializers.ValidationError({"file": refused.messages})
        upload = RosterUploadSerializer(data=data)
        upload.is_valid(raise_exception=True)
        result = services.roster_import(
            actor=request.user,
            data=read_upload(upload.validated_data["file"]),
            filename=upload.validated_data["file"].name,
            dry_run=upload.validated_data["dry_run"],
        )
        return Response(
            result.as_dict(),
            status=status.HTTP_400_BAD_REQUEST if result.errors else status.HTTP_200_OK,
        )

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): bytes})
    @action(detail=False, methods=["get"], url_path="import-template")
    def import_template(self, request):
        """The roster template: header row and an example per role."""
        return xlsx_response(roster.roster_template(), "roster-template.xlsx")

    @extend_schema(
        parameters=[EmployeeFilterSerializer], responses={(200, XLSX_CONTENT_TYPE): bytes}
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The employees matching the filters as a roster workbook."""
        filters = EmployeeFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        employees = selectors.employee_list(**filters.validated_data)
        return xlsx_response(roster.roster_export(employees), "roster.xlsx")


def read_upload(upload) -> bytes:
    """The upload's bytes, refusing empty files and files over the roster size limit."""
    try:
        check_upload_size(upload, settings.ROSTER_MAX_UPLOAD_SIZE)
    except DjangoValidationError as error:
        raise serializers.ValidationError({"file": error.messages}) from error
    return upload.read()
