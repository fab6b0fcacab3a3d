from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api import role_permission
from core.excel import XLSX_CONTENT_TYPE
from core.http import attachment_response
from core.roles import Role, user_roles
from core.uploads import check_upload_size, refused_upload_error
from people import roster, selectors, services
from people.api.serializers import (
    DepartmentSerializer,
    EmployeeSerializer,
    MeSerializer,
    PasswordSerializer,
    RosterImportResultSerializer,
    RosterUploadSerializer,
)
from people.models import Department

PeopleManagers = role_permission(Role.SAFETY_OFFICER)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return attachment_response(content, filename=filename, content_type=XLSX_CONTENT_TYPE)


class TokenView(ObtainAuthToken):
    """Exchange a user name and password for an API token; throttled against guessing."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class MeView(APIView):
    permission_classes = [IsAuthenticated]

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
