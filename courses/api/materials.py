"""API for course content and self-study: modules, materials with versioned files,
downloads, trainees' progress and the progress table.

Access (see ``courses.selectors.materials``): the safety officer and a course's instructors
manage its content; whoever teaches one of its trainings reads it with every version; a
trainee enrolled in one of its trainings reads the current versions. Others get 404.
"""

from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.api import role_permission
from core.errors import Forbidden, NotFound
from core.excel import XLSX_CONTENT_TYPE
from core.http import attachment_response
from core.parsers import FormParser, JSONParser, MultiPartParser
from core.roles import Role
from core.uploads import refused_upload_error
from courses import exports, filetypes
from courses.api.access import TrainingVisibleFirst
from courses.models import Material, MaterialKind, MaterialVersion, Module
from courses.selectors import materials as selectors
from courses.selectors import study as study_selectors
from courses.selectors.materials import CourseAccess
from courses.services import materials as services
from courses.services import study as study_services
from courses.services.trainings import module_create, module_delete, module_move, module_update

ContentReaders = role_permission(Role.TRAINEE, Role.INSTRUCTOR, Role.SAFETY_OFFICER)
ContentManagers = role_permission(
    Role.INSTRUCTOR, Role.SAFETY_OFFICER, read_only_roles=(Role.TRAINEE,)
)
TraineesOnly = role_permission(Role.TRAINEE)
ProgressReaders = role_permission(Role.INSTRUCTOR, Role.SAFETY_OFFICER)


def require_manager(access: CourseAccess) -> None:
    if not access.manages:
        raise Forbidden(
            _("Only the safety officer and the course's instructors change its content.")
        )


def check_refused_upload(request, field: str = "file") -> None:
    """A file dropped by the size-limit upload handler is a 400 on ``file`` saying so,
    not a "no file was submitted"."""
    request.data  # noqa: B018 (parsing the body is what runs the upload handlers)
    error = refused_upload_error(request, field)
    if error is not None:
        raise serializers.ValidationError({field: error.messages})


class FileAnswerMixin:
    """Views answering with a file ignore the Accept header (a client asking for
    application/pdf still gets the file); their errors still come back as JSON."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


# Serializers --------------------------------------------------------------------------------


@extend_schema_field(
    {"type": "string", "enum": list(MaterialKind.values)}, component_name="MaterialKind"
)
class MaterialKindField(serializers.ChoiceField):
    """A material's kind; a schema component of its own, as questionnaires have a ``kind``
    with other values."""

    def __init__(self, **kwargs):
        super().__init__(choices=MaterialKind.choices, **kwargs)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    uploaded_by = serializers.CharField(
        source="uploaded_by.username", allow_null=True, default=None
    )
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, version) -> str:
        url = reverse("api-material-download", args=[version.material_id])
        return f"{url}?version={version.number}"


class MaterialSerializer(serializers.Serializer):
    """A material as its readers see it; ``versions`` lists every version for those who
    teach the course and is null for trainees."""

    id = serializers.IntegerField()
    course = serializers.IntegerField(source="module.course_id")
    module = serializers.IntegerField(source="module_id")
    title = serializers.CharField()
    kind = MaterialKindField()
    is_link = serializers.BooleanField()
    url = serializers.CharField()
    position = serializers.IntegerField()
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    owner_name = serializers.CharField(source="owner.name", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    current_version = VersionSerializer(allow_null=True)
    versions = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(VersionSerializer(many=True, allow_null=True))
    def get_versions(self, material):
        if not self.context.get("sees_all_versions"):
            return None
        return VersionSerializer(material.versions.all(), many=True).data

    def get_download_url(self, material) -> str:
        return reverse("api-material-download", args=[material.pk])


class MaterialCreateSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, allow_empty_file=True)
    url = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    kind = MaterialKindField(default=MaterialKind.OTHER)
    module = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class MaterialUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=2000)
    kind = MaterialKindField(required=False)


class VersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)


class DownloadQuerySerializer(serializers.Serializer):
    training = serializers.IntegerField(required=False, min_value=1)
    version = serializers.IntegerField(required=False, min_value=1)


class ProgressEventSerializer(serializers.Serializer):
    training = serializers.IntegerField(min_value=1)
    event = serializers.ChoiceField(choices=[("opened", "opened"), ("video_ended", "video_ended")])


class ProgressSerializer(serializers.Serializer):
    material = serializers.IntegerField(source="material_id")
    first_opened_at = serializers.DateTimeField()
    last_opened_at = serializers.DateTimeField()
    times_opened = serializers.IntegerField()
    completed_at = serializers.DateTimeField(allow_null=True)


class ModuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Module
        fields = ["id", "course", "title", "description", "position"]
        read_only_fields = ["course", "position"]
        extra_kwargs = {"title": {"max_length": 2000}}


class ModuleMoveSerializer(serializers.Serializer):
    offset = serializers.ChoiceField(choices=[(-1, "up"), (1, "down")])


class ModuleDoneSerializer(serializers.Serializer):
    module = serializers.IntegerField()
    done = serializers.BooleanField()


class ProgressRowSerializer(serializers.Serializer):
    employee = serializers.IntegerField()
    employee_no = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField()
    modules_done = serializers.IntegerField()
    opened = serializers.IntegerField()
    progress = ProgressSerializer(many=True)


class MaterialSummarySerializer(serializers.Serializer):
    material = serializers.IntegerField()
    module = serializers.IntegerField()
    title = serializers.CharField()
    opened = serializers.IntegerField()
    completed = serializers.IntegerField()
    trainees = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class ProgressTableSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    module_count = serializers.IntegerField()
    materials = MaterialSummarySerializer(many=True)
    results = ProgressRowSerializer(many=True)


class StudyMaterialSerializer(MaterialSerializer):
    progress = ProgressSerializer(allow_null=True)
    is_video = serializers.BooleanField()


class StudyModuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    done = serializers.BooleanField()
    materials = StudyMaterialSerializer(many=True)


class StudySerializer(serializers.Serializer):
    training = serializers.IntegerField()
    course = serializers.IntegerField()
    materials = serializers.IntegerField()
    opened = serializers.IntegerField()
    modules_done = serializers.IntegerField()
    modules = StudyModuleSerializer(many=True)


# Materials ----------------------------------------------------------------------------------


class CourseMaterialsView(GenericAPIView):
    """A course's materials (GET: everyone who may read the course) and uploading one
    (POST: the safety officer and the course's instructors): multipart ``file`` with
    ``title``, ``kind`` and optionally ``module``, or ``url`` for a link."""

    permission_classes = [ContentManagers]
    serializer_class = MaterialSerializer
    queryset = Material.objects.none()  # for the schema; the methods read the selectors
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=MaterialSerializer(many=True))
    def get(self, request, course_id: int):
        access = selectors.course_content_get_for_user(user=request.user, course_id=course_id)
        materials = selectors.material_list(
            course=access.course, with_versions=access.sees_all_versions
        )
        page = self.paginate_queryset(materials)
        return self.get_paginated_response(
            MaterialSerializer(
                page, many=True, context={"sees_all_versions": access.sees_all_versions}
            ).data
        )

    @extend_schema(
        request={
            "multipart/form-data": MaterialCreateSerializer,
            "application/json": MaterialCreateSerializer,
        },
        responses={201: MaterialSerializer},
    )
    def post(self, request, course_id: int):
        access = selectors.course_content_get_for_user(user=request.user, course_id=course_id)
        require_manager(access)
        check_refused_upload(request)
        body = MaterialCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        module = None
        if data.get("module"):
            module = Module.objects.filter(pk=data["module"], course=access.course).first()
            if module is None:
                raise serializers.ValidationError(
                    {"module": [_("The module is not one of this course's modules.")]}
                )
        material = services.material_create(
            actor=request.user,
            course=access.course,
            module=module,
            title=data.get("title", ""),
            kind=data["kind"],
            upload=data.get("file"),
            url=data.get("url", ""),
        )
        material, access = selectors.material_get_for_user(
            user=request.user, material_id=material.pk
        )
        return Response(
            MaterialSerializer(material, context={"sees_all_versions": True}).data,
            status=status.HTTP_201_CREATED,
        )


class MaterialDetailView(GenericAPIView):
    """One material; PATCH renames it or changes its kind, DELETE removes it (managers)."""

    permission_classes = [ContentManagers]
    serializer_class = MaterialSerializer

    def _response(self, material, access):
        return Response(
            MaterialSerializer(
                material, context={"sees_all_versions": access.sees_all_versions}
            ).data
        )

    def get(self, request, material_id: int):
        material, access = selectors.material_get_for_user(
            user=request.user, material_id=material_id
        )
        return self._response(material, access)

    @extend_schema(request=MaterialUpdateSerializer, responses=MaterialSerializer)
    def patch(self, request, material_id: int):
        material, access = selectors.material_get_for_user(
            user=request.user, material_id=material_id
        )
        require_manager(access)
        body = MaterialUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.material_update(
            actor=request.user,
            material=material,
            title=body.validated_data.get("title"),
            kind=body.validated_data.get("kind"),
        )
        return self._response(material, access)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, material_id: int):
        material, access = selectors.material_get_for_user(
            user=request.user, material_id=material_id
        )
        require_manager(access)
        services.material_delete(actor=request.user, material=material)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MaterialVersionsView(GenericAPIView):
    """Every version of a material (GET: those who teach the course) and uploading a new
    one (POST, multipart ``file``: managers); the new one becomes current."""

    permission_classes = [ContentManagers]
    serializer_class = VersionSerializer
    queryset = MaterialVersion.objects.none()  # for the schema; the methods read the selectors
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=VersionSerializer(many=True))
    def get(self, request, material_id: int):
        material, access = selectors.material_get_for_user(
            user=request.user, material_id=material_id
        )
        if not access.sees_all_versions:
            raise Forbidden(_("Only the people teaching the course see older versions."))
        versions = material.versions.select_related("uploaded_by").order_by("-number")
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(VersionSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": VersionUploadSerializer},
        responses={201: VersionSerializer},
    )
    def post(self, request, material_id: int):
        material, access = selectors.material_get_for_user(
            user=request.user, material_id=material_id
        )
        require_manager(access)
        check_refused_upload(request)
        body = VersionUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = services.material_upload_version(
            actor=request.user, material=material, upload=body.validated_data["file"]
        )
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class MaterialDownloadView(FileAnswerMixin, GenericAPIView):
    """The material's current file as a download (a link: a redirect to it). ``?version=``
    gives an older version to those who teach the course; ``?training=`` names the training
    a trainee studies it for, and the opening counts as self-study progress (without it,
    it counts when the trainee is in exactly one training of the course)."""

    permission_classes = [ContentReaders]
    serializer_class = DownloadQuerySerializer

    @extend_schema(
        parameters=[DownloadQuerySerializer],
        # The file goes out with the type its content was recognised as when uploaded.
        responses={
            **{
                (200, content_type): OpenApiTypes.BINARY
                for content_type in sorted(
                    filetypes.ACCEPTED_CONTENT_TYPES | {filetypes.OCTET_STREAM}
                )
            },
            302: None,
        },
    )
    def get(self, request, material_id: int):
        query = DownloadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        material, access = selectors.material_get_for_user(
            user=request.user, material_id=material_id
        )
        enrollment = selectors.enrollment_for_opening(
            access=access, training_id=query.validated_data.get("training")
        )
        if material.is_link:
            if enrollment is not None:
                study_services.progress_record_open(enrollment=enrollment, material=material)
            return HttpResponseRedirect(material.url)
        version = selectors.material_version_for(
            material=material, access=access, number=query.validated_data.get("version")
        )
        if enrollment is not None:
            study_services.progress_record_open(enrollment=enrollment, material=material)
        return filetypes.download_response(
            version.file.open("rb"),
            filename=version.original_name,
            content_type=version.content_type,
        )


class MaterialProgressView(GenericAPIView):
    """The video player's report for the trainee: ``opened`` (playback started) or
    ``video_ended`` (watched to the end), within one of their trainings."""

    permission_classes = [TraineesOnly]
    serializer_class = ProgressEventSerializer

    @extend_schema(request=ProgressEventSerializer, responses=ProgressSerializer)
    def post(self, request, material_id: int):
        body = ProgressEventSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        material, access = selectors.material_get_for_user(
            user=request.user, material_id=material_id
        )
        enrollment = access.enrollment_for(body.validated_data["training"])
        if enrollment is None:
            raise NotFound(_("Training not found."))
        if body.validated_data["event"] == "video_ended":
            progress = study_services.progress_record_video_end(
                enrollment=enrollment, material=material
            )
        else:
            progress = study_services.progress_record_open(enrollment=enrollment, material=material)
        return Response(ProgressSerializer(progress).data)


# Modules ------------------------------------------------------------------------------------


class CourseModulesView(GenericAPIView):
    """A course's modules in order (GET) and adding one at the end (POST: managers)."""

    permission_classes = [ContentManagers]
    serializer_class = ModuleSerializer
    queryset = Module.objects.none()  # for the schema; the methods read the selectors

    @extend_schema(responses=ModuleSerializer(many=True))
    def get(self, request, course_id: int):
        access = selectors.course_content_get_for_user(user=request.user, course_id=course_id)
        page = self.paginate_queryset(selectors.module_list(course=access.course))
        return self.get_paginated_response(ModuleSerializer(page, many=True).data)

    @extend_schema(request=ModuleSerializer, responses={201: ModuleSerializer})
    def post(self, request, course_id: int):
        access = selectors.course_content_get_for_user(user=request.user, course_id=course_id)
        require_manager(access)
        body = ModuleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        module = module_create(
            actor=request.user,
            course=access.course,
            title=body.validated_data["title"],
            description=body.validated_data.get("description", ""),
        )
        return Response(ModuleSerializer(module).data, status=status.HTTP_201_CREATED)


class ModuleDetailView(GenericAPIView):
    """One module; PUT or PATCH changes its title and description, DELETE removes it with
    its materials (managers)."""

    permission_classes = [ContentManagers]
    serializer_class = ModuleSerializer

    def get(self, request, module_id: int):
        module, _access = selectors.module_get_for_user(user=request.user, module_id=module_id)
        return Response(ModuleSerializer(module).data)

    def put(self, request, module_id: int):
        return self._update(request, module_id, partial=False)

    def patch(self, request, module_id: int):
        return self._update(request, module_id, partial=True)

    def _update(self, request, module_id: int, *, partial: bool):
        module, access = selectors.module_get_for_user(user=request.user, module_id=module_id)
        require_manager(access)
        body = ModuleSerializer(module, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        module = module_update(
            actor=request.user,
            module=module,
            title=body.validated_data.get("title", module.title),
            description=body.validated_data.get("description", module.description),
        )
        return Response(ModuleSerializer(module).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, module_id: int):
        module, access = selectors.module_get_for_user(user=request.user, module_id=module_id)
        require_manager(access)
        module_delete(actor=request.user, module=module)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModuleMoveView(GenericAPIView):
    """Move a module up (``offset`` -1) or down (+1) in its course (managers)."""

    permission_classes = [ContentManagers]
    serializer_class = ModuleMoveSerializer
    queryset = Module.objects.none()  # for the schema; the method reads the selectors
    pagination_class = None  # answers the course's modules as a plain list

    @extend_schema(request=ModuleMoveSerializer, responses=ModuleSerializer(many=True))
    def post(self, request, module_id: int):
        module, access = selectors.module_get_for_user(user=request.user, module_id=module_id)
        require_manager(access)
        body = ModuleMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        module_move(actor=request.user, module=module, offset=int(body.validated_data["offset"]))
        return Response(
            ModuleSerializer(selectors.module_list(course=access.course), many=True).data
        )


# Self-study ---------------------------------------------------------------------------------


class TrainingStudyView(GenericAPIView):
    """The caller's self-study view of a training they are enrolled in: modules in order,
    materials with their current version, their progress and the modules marked done."""

    permission_classes = [TraineesOnly]
    serializer_class = StudySerializer

    def get(self, request, training_id: int):
        enrollment = study_selectors.enrollment_get_for_study(
            user=request.user, training_id=training_id
        )
        view = study_selectors.study_view(enrollment=enrollment)
        data = {
            "training": enrollment.training_id,
            "course": enrollment.training.course_id,
            "materials": view.material_count,
            "opened": view.opened_count,
            "modules_done": view.done_count,
            "modules": [
                {
                    "id": item.module.pk,
                    "title": item.module.title,
                    "description": item.module.description,
                    "done": item.done,
                    "materials": [
                        {
                            **MaterialSerializer(entry.material).data,
                            "progress": ProgressSerializer(entry.progress).data
                            if entry.progress
                            else None,
                            "is_video": entry.is_video,
                        }
                        for entry in item.materials
                    ],
                }
                for item in view.modules
            ],
        }
        return Response(data)


class ModuleDoneView(GenericAPIView):
    """The trainee marks a module of the training's course done (POST) or takes the mark
    back (DELETE); both may be repeated."""

    permission_classes = [TraineesOnly]
    serializer_class = ModuleDoneSerializer

    def _enrollment_and_module(self, request, training_id: int, module_id: int):
        enrollment = study_selectors.enrollment_get_for_study(
            user=request.user, training_id=training_id
        )
        module = Module.objects.filter(
            pk=module_id, course_id=enrollment.training.course_id
        ).first()
        if module is None:
            raise NotFound(_("Module not found."))
        return enrollment, module

    @extend_schema(request=None, responses=ModuleDoneSerializer)
    def post(self, request, training_id: int, module_id: int):
        enrollment, module = self._enrollment_and_module(request, training_id, module_id)
        study_services.module_mark_done(enrollment=enrollment, module=module)
        return Response({"module": module.pk, "done": True})

    @extend_schema(request=None, responses={200: ModuleDoneSerializer})
    def delete(self, request, training_id: int, module_id: int):
        enrollment, module = self._enrollment_and_module(request, training_id, module_id)
        study_services.module_mark_undone(enrollment=enrollment, module=module)
        return Response({"module": module.pk, "done": False})


def progress_row_data(row) -> dict:
    employee = row.employee
    return {
        "employee": employee.pk,
        "employee_no": employee.employee_no,
        "name": employee.name,
        "department": employee.department.path,
        "modules_done": row.modules_done,
        "opened": row.opened,
        "progress": ProgressSerializer([cell for cell in row.cells if cell], many=True).data,
    }


def material_summary_data(summary) -> dict:
    return {
        "material": summary.material.pk,
        "module": summary.material.module_id,
        "title": summary.material.title,
        "opened": summary.opened,
        "completed": summary.completed,
        "trainees": summary.trainees,
        "rate": summary.rate,
    }


class TrainingProgressView(TrainingVisibleFirst, GenericAPIView):
    """The training's self-study progress: per trainee (paginated ``results``) the
    materials opened, how often and when, and modules done; per material (``materials``)
    how many of the trainees opened it. For the safety officer and the training's
    instructors."""

    permission_classes = [ProgressReaders]
    serializer_class = ProgressTableSerializer

    def get(self, request, training_id: int):
        training = study_selectors.training_get_for_progress(
            user=request.user, training_id=training_id
        )
        table = study_selectors.training_progress_table(training=training)
        page = self.paginate_queryset(table.rows)
        response = self.get_paginated_response([progress_row_data(row) for row in page])
        response.data["module_count"] = table.module_count
        response.data["materials"] = [material_summary_data(s) for s in table.summaries]
        return response


class TrainingProgressXlsxView(TrainingVisibleFirst, FileAnswerMixin, GenericAPIView):
    """The progress table as an Excel workbook."""

    permission_classes = [ProgressReaders]

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    def get(self, request, training_id: int):
        training = study_selectors.training_get_for_progress(
            user=request.user, training_id=training_id
        )
        table = study_selectors.training_progress_table(training=training)
        return attachment_response(
            exports.study_progress_xlsx(table),
            filename=f"training-{training.pk}-self-study.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )


urlpatterns = [
    path(
        "courses/<int:course_id>/materials/",
        CourseMaterialsView.as_view(),
        name="api-course-materials",
    ),
    path("materials/<int:material_id>/", MaterialDetailView.as_view(), name="api-material-detail"),
    path(
        "materials/<int:material_id>/versions/",
        MaterialVersionsView.as_view(),
        name="api-material-versions",
    ),
    path(
        "materials/<int:material_id>/download/",
        MaterialDownloadView.as_view(),
        name="api-material-download",
    ),
    path(
        "materials/<int:material_id>/progress/",
        MaterialProgressView.as_view(),
        name="api-material-progress",
    ),
    path(
        "courses/<int:course_id>/modules/", CourseModulesView.as_view(), name="api-course-modules"
    ),
    path("modules/<int:module_id>/", ModuleDetailView.as_view(), name="api-module-detail"),
    path("modules/<int:module_id>/move/", ModuleMoveView.as_view(), name="api-module-move"),
    path(
        "trainings/<int:training_id>/study/",
        TrainingStudyView.as_view(),
        name="api-training-study",
    ),
    path(
        "trainings/<int:training_id>/modules/<int:module_id>/done/",
        ModuleDoneView.as_view(),
        name="api-training-module-done",
    ),
    path(
        "trainings/<int:training_id>/progress/",
        TrainingProgressView.as_view(),
        name="api-training-progress",
    ),
    path(
        "trainings/<int:training_id>/progress.xlsx",
        TrainingProgressXlsxView.as_view(),
        name="api-training-progress-xlsx",
    ),
]
