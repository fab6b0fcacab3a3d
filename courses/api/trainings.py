"""API for courses, trainings, enrolment, the required audience, the training rate and sessions."""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.errors import Conflict
from core.excel import XLSX_CONTENT_TYPE
from core.http import attachment_response
from core.roles import Role, has_role
from courses import training_exports
from courses.api.access import TrainingVisibleFirst
from courses.models import Course, Enrollment, EnrollmentSource, Session, Training
from courses.selectors import trainings as selectors
from courses.services import trainings as services
from people.models import Department, Employee


class IsSafetyOfficerOrReadOnly(BasePermission):
    """Reads for any signed-in user (the querysets limit what they see); writes for the
    safety officer and the admin."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or has_role(request.user, Role.SAFETY_OFFICER)


class CourseReaders(BasePermission):
    """Courses are for the safety officer (all) and instructors (their own)."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if has_role(user, Role.SAFETY_OFFICER):
            return True
        return request.method in SAFE_METHODS and has_role(user, Role.INSTRUCTOR)


# Courses -----------------------------------------------------------------------------------


class CourseSerializer(serializers.ModelSerializer):
    instructors = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Employee.objects.all(), required=False
    )
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, required=False)

    class Meta:
        model = Course
        fields = ["id", "title", "description", "hours", "instructors", "is_active"]


class CourseViewSet(viewsets.ModelViewSet):
    serializer_class = CourseSerializer
    permission_classes = [CourseReaders]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.course_list_for_user(self.request.user).order_by("title", "id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.course_create(
            actor=self.request.user,
            title=data["title"],
            description=data.get("description", ""),
            hours=data.get("hours", 0),
            instructors=data.get("instructors", []),
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.course_update(
            actor=self.request.user,
            course=serializer.instance,
            title=data.get("title"),
            description=data.get("description"),
            hours=data.get("hours"),
            instructors=data.get("instructors"),
            is_active=data.get("is_active"),
        )

    def perform_destroy(self, instance):
        if instance.trainings.exists():
            raise Conflict(_("The course has trainings; make it inactive instead."))
        instance.delete()


# Trainings ---------------------------------------------------------------------------------


class TrainingSerializer(serializers.ModelSerializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())
    trainees = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Employee.objects.all(),
        required=False,
        write_only=True,
        help_text="Employee ids. Writing enrols them; reading lists everyone enrolled.",
    )
    departments = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Department.objects.all(), required=False
    )
    instructors = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Employee.objects.all(), required=False
    )
    trainee_count = serializers.IntegerField(read_only=True)
    session_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "course",
            "title",
            "description",
            "starts_on",
            "ends_on",
            "location",
            "instructors",
            "trainees",
            "departments",
            "completion_attendance_rate",
            "requires_exam",
            "trainee_count",
            "session_count",
        ]
        read_only_fields = ["requires_exam"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # ``trainees`` is not a model field: it is read from the (prefetched) enrolments.
        # Trainees are listed for those who manage or teach the training; a trainee sees
        # only the training itself.
        if self.context.get("show_trainees", True):
            data["trainees"] = [e.employee_id for e in instance.enrollments.all()]
        return data


class EnrollSerializer(serializers.Serializer):
    trainees = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Employee.objects.all(), required=False
    )
    departments = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Department.objects.all(), required=False
    )
    positions = serializers.ListField(child=serializers.CharField(), required=False)


class EnrolledSerializer(serializers.Serializer):
    added = serializers.IntegerField(help_text="People newly enrolled by this request.")
    enrolled = serializers.IntegerField(help_text="Everyone enrolled now.")


class AudienceRuleSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )
    position = serializers.CharField(required=False, allow_blank=True)


class RateRowSerializer(serializers.Serializer):
    required = serializers.IntegerField()
    trained = serializers.IntegerField()
    rate = serializers.FloatField(
        allow_null=True, help_text="Percent; null when nobody is required."
    )


class DepartmentRateSerializer(RateRowSerializer):
    department = serializers.CharField()


class PositionRateSerializer(RateRowSerializer):
    position = serializers.CharField()


class TrainingRateSerializer(RateRowSerializer):
    audience_defined = serializers.BooleanField()
    by_department = DepartmentRateSerializer(many=True)
    by_position = PositionRateSerializer(many=True)


class EnrollmentRowSerializer(serializers.Serializer):
    employee = serializers.IntegerField()
    employee_no = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField()
    position = serializers.CharField()
    source = serializers.ChoiceField(choices=EnrollmentSource.choices)
    attendance_rate = serializers.FloatField(allow_null=True, help_text="Percent.")
    exam_passed = serializers.BooleanField(allow_null=True)
    trained = serializers.BooleanField()


class TrainingViewSet(TrainingVisibleFirst, viewsets.ModelViewSet):
    """Trainings. Writing ``trainees`` or ``departments`` enrols more people (never removes
    anyone: take a trainee out with DELETE ``/trainings/{id}/trainees/{employee}/``)."""

    serializer_class = TrainingSerializer
    permission_classes = [IsSafetyOfficerOrReadOnly]
    lookup_value_regex = r"\d+"
    training_url_kwarg = "pk"

    def get_queryset(self):
        return selectors.training_list_for_user(self.request.user).prefetch_related(
            "instructors", "departments", "enrollments"
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["show_trainees"] = has_role(user, Role.SAFETY_OFFICER, Role.HR, Role.INSTRUCTOR)
        return context

    def perform_create(self, serializer):
        data = serializer.validated_data
        training = services.training_create(
            actor=self.request.user,
            course=data["course"],
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            location=data.get("location", ""),
            description=data.get("description", ""),
            instructors=data.get("instructors", []),
            trainees=data.get("trainees", []),
            departments=data.get("departments", []),
            completion_attendance_rate=data.get("completion_attendance_rate", 80),
        )
        serializer.instance = self.get_queryset().get(pk=training.pk)

    def perform_update(self, serializer):
        data = serializer.validated_data
        training = services.training_update(
            actor=self.request.user,
            training=serializer.instance,
            title=data.get("title"),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            location=data.get("location"),
            description=data.get("description"),
            instructors=data.get("instructors"),
            completion_attendance_rate=data.get("completion_attendance_rate"),
        )
        if data.get("trainees") or data.get("departments"):
            services.training_enroll(
                actor=self.request.user,
                training=training,
                employees=data.get("trainees", []),
                departments=data.get("departments", []),
            )
        serializer.instance = self.get_queryset().get(pk=training.pk)

    def perform_destroy(self, instance):
        services.training_delete(actor=self.request.user, training=instance)

    def _managed_training(self):
        training = self.get_object()
        if not has_role(self.request.user, Role.SAFETY_OFFICER):
            self.permission_denied(self.request)
        return training

    @extend_schema(request=EnrollSerializer, responses=EnrolledSerializer)
    @action(detail=True, methods=["post"])
    def enroll(self, request, pk=None):
        """Enrol people one by one (``trainees``), by department or by position."""
        training = self._managed_training()
        body = EnrollSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        added = services.training_enroll(
            actor=request.user,
            training=training,
            employees=body.validated_data.get("trainees", []),
            departments=body.validated_data.get("departments", []),
            positions=body.validated_data.get("positions", []),
        )
        enrolled = Enrollment.objects.filter(training=training).count()
        return Response({"added": added, "enrolled": enrolled})

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"trainees/(?P<employee_id>\d+)")
    def unenroll(self, request, pk=None, employee_id=None):
        training = self._managed_training()
        employee = get_object_or_404(Employee, pk=employee_id)
        services.enrollment_remove(actor=request.user, training=training, employee=employee)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=AudienceRuleSerializer(many=True), responses=AudienceRuleSerializer(many=True)
    )
    @action(detail=True, methods=["get", "put"], pagination_class=None)  # a plain list
    def audience(self, request, pk=None):
        """The required audience: rules of department and/or position."""
        training = self.get_object()
        if request.method == "PUT":
            training = self._managed_training()
            rules = AudienceRuleSerializer(data=request.data, many=True)
            rules.is_valid(raise_exception=True)
            services.training_set_audience(
                actor=request.user,
                training=training,
                rules=[(r.get("department"), r.get("position", "")) for r in rules.validated_data],
            )
        return Response(
            [
                {"department": rule.department_id, "position": rule.position}
                for rule in training.audience.all()
            ]
        )

    @extend_schema(responses=TrainingRateSerializer)
    @action(detail=True, methods=["get"], url_path="training-rate")
    def training_rate(self, request, pk=None):
        """Trained / required, overall, per department and per position."""
        training = self._readable_by_staff()
        return Response(training_rate_data(selectors.training_rate(training)))

    @extend_schema(responses=EnrollmentRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def enrollments(self, request, pk=None):
        """The trainees with their attendance rate, exam result and whether they count as
        trained."""
        training = self._readable_by_staff()
        rows = selectors.enrollment_list(training=training)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([enrollment_data(e, training) for e in page])

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): bytes})
    def enrollments_xlsx(self, request, pk=None):
        """The enrolment list with the training-rate figures (routed below, without a
        trailing slash like every file endpoint)."""
        training = self._readable_by_staff()
        return attachment_response(
            training_exports.enrollment_xlsx(training),
            filename=f"training-{training.pk}-enrolment.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )

    def _readable_by_staff(self):
        """The training for the officer, HR and the people teaching it; 403 for trainees."""
        training = self.get_object()
        user = self.request.user
        if has_role(user, Role.SAFETY_OFFICER, Role.HR) or selectors.user_teaches_training(
            user, training
        ):
            return training
        self.permission_denied(self.request)


def training_rate_data(rate: selectors.TrainingRate) -> dict:
    def row(r):
        rate = None if r.rate is None else float(r.rate)
        return {"required": r.required, "trained": r.trained, "rate": rate}

    return {
        **row(rate.overall),
        "audience_defined": rate.audience_defined,
        "by_department": [{"department": r.label, **row(r)} for r in rate.by_department],
        "by_position": [{"position": r.label, **row(r)} for r in rate.by_position],
    }


def enrollment_data(enrollment, training) -> dict:
    employee = enrollment.employee
    return {
        "employee": employee.pk,
        "employee_no": employee.employee_no,
        "name": employee.name,
        "department": employee.department.path,
        "position": employee.position,
        "source": enrollment.source,
        "attendance_rate": enrollment.attendance_rate,
        "exam_passed": enrollment.exam_passed,
        "trained": selectors.is_trained(enrollment, training),
    }


# Sessions ----------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    instructor = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(), allow_null=True, required=False
    )
    instructor_name = serializers.CharField(source="instructor.name", read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "training",
            "topic",
            "starts_at",
            "ends_at",
            "location",
            "instructor",
            "instructor_name",
        ]
        read_only_fields = ["training"]


class SessionViewSet(
    TrainingVisibleFirst,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The timetable of one training. Everyone who may see the training may read it; the
    safety officer schedules. Clashes (same instructor or trainee twice at once) are 400."""

    serializer_class = SessionSerializer
    permission_classes = [IsSafetyOfficerOrReadOnly]
    lookup_value_regex = r"\d+"
    training_url_kwarg = "training_pk"

    def training(self) -> Training:
        if not hasattr(self, "_training"):
            self._training = selectors.training_get_for_user(
                user=self.request.user, training_id=int(self.kwargs["training_pk"])
            )
        return self._training

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no request
            return Session.objects.none()
        return selectors.session_list(training=self.training())

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.session_create(
            actor=self.request.user,
            training=self.training(),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            instructor=data.get("instructor"),
            topic=data.get("topic", ""),
            location=data.get("location", ""),
        )

    def perform_update(self, serializer):
        session = serializer.instance
        data = serializer.validated_data
        serializer.instance = services.session_update(
            actor=self.request.user,
            session=session,
            starts_at=data.get("starts_at", session.starts_at),
            ends_at=data.get("ends_at", session.ends_at),
            instructor=data.get("instructor", session.instructor),
            topic=data.get("topic", session.topic),
            location=data.get("location", session.location),
        )

    def perform_destroy(self, instance):
        services.session_delete(actor=self.request.user, session=instance)


router = SimpleRouter()
router.register("courses", CourseViewSet, basename="course")
router.register("trainings", TrainingViewSet, basename="training")
router.register(r"trainings/(?P<training_pk>\d+)/sessions", SessionViewSet, basename="session")

urlpatterns = [
    path(
        "trainings/<int:pk>/enrollments.xlsx",
        TrainingViewSet.as_view({"get": "enrollments_xlsx"}),
        name="training-enrollments-xlsx",
    ),
    *router.urls,
]
