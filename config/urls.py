from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config.api_docs import api_docs

# Pages keep Django's error pages; under /api/ these answer JSON like the API's views.
handler400 = "core.http.bad_request"
handler404 = "core.http.page_not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("people.api.urls")),
    path("api/v1/", include("courses.api.urls")),
    path("api/v1/", include("attendance.api.urls")),
    path("api/v1/", include("exams.api.urls")),
    path("api/v1/", include("exams.api.exam_urls")),
    path("api/v1/", include("exams.api.results_urls")),
    path("api/v1/", include("certificates.api.verify_urls")),
    path("api/v1/", include("certificates.api.urls")),
    path("api/v1/ping/", include("core.health")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls")),
]
