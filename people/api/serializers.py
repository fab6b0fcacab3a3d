from rest_framework import serializers

from core.roles import Role
from people.models import Department, Employee
from people.selectors import employee_role_names


class DepartmentSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Department
        fields = ["id", "name", "parent", "path"]
        read_only_fields = ["path"]


class EmployeeSerializer(serializers.ModelSerializer):
    """An employee as the API shows it; writes go through ``people.services``."""

    username = serializers.CharField(source="user.username", required=False, allow_blank=True)
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=True, style={"input_type": "password"}
    )
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False
    )
    active = serializers.BooleanField(source="user.is_active", required=False)
    national_id = serializers.CharField(write_only=True, required=False, allow_blank=True)
    national_id_masked = serializers.CharField(read_only=True)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    department_path = serializers.CharField(source="department.path", read_only=True)

    class Meta:
        model = Employee
        fields = [
            "id",
            "employee_no",
            "name",
            "department",
            "department_path",
            "position",
            "phone",
            "national_id",
            "national_id_masked",
            "birth_date",
            "username",
            "password",
            "roles",
            "active",
        ]
        read_only_fields = ["birth_date"]
        # Uniqueness is the service's check, so the error reads the same on every path.
        extra_kwargs = {"employee_no": {"validators": []}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["roles"] = employee_role_names(instance)
        return data


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    username = serializers.CharField()
    employee_no = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    department = serializers.IntegerField(allow_null=True)
    department_path = serializers.CharField(allow_null=True)
    position = serializers.CharField(allow_blank=True)
    roles = serializers.ListField(child=serializers.CharField())
    is_admin = serializers.BooleanField()
    must_change_password = serializers.BooleanField(
        help_text="true: every endpoint but this one and POST /api/v1/me/password/ answers 403 "
        "with code password_change_required until the password is changed"
    )


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, trim_whitespace=False)


class OwnPasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(
        write_only=True, trim_whitespace=False, max_length=4096, style={"input_type": "password"}
    )
    new_password = serializers.CharField(
        write_only=True, trim_whitespace=False, max_length=4096, style={"input_type": "password"}
    )


class OwnPasswordChangedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    token = serializers.CharField(
        allow_null=True,
        help_text="a new API token when the call was made with one: every token of the user "
        "is deleted with the old password, so use this one from now on; null for a session",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PasswordChangeRequiredSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["password_change_required"])


class RosterErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class RosterImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    errors = RosterErrorSerializer(many=True)


class RosterUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(required=False, default=False)
