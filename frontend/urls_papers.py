from django.urls import path

from frontend.views import papers

urlpatterns = [
    path("papers/", papers.paper_list, name="paper_list"),
    path("papers/new/", papers.paper_create, name="paper_create"),
    path("papers/builder/search/", papers.paper_builder_search, name="paper_builder_search"),
    path("papers/builder/figures/", papers.paper_builder_figures, name="paper_builder_figures"),
    path("papers/<int:pk>/edit/", papers.paper_edit, name="paper_edit"),
    path("papers/<int:pk>/delete/", papers.paper_delete, name="paper_delete"),
    path("papers/<int:pk>/preview/", papers.paper_preview, name="paper_preview"),
    path("papers/<int:pk>/preview.pdf", papers.paper_preview_pdf, name="paper_preview_pdf"),
]
