from django.urls import path
from rest_framework.routers import SimpleRouter

from people.api import views

router = SimpleRouter()
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("employees", views.EmployeeViewSet, basename="employee")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/password/", views.MePasswordView.as_view(), name="api-me-password"),
    *router.urls,
]
