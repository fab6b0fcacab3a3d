"""The safety officer's question-bank pages."""

from django.urls import path

from frontend.views import bank, bank_imports, bank_questions

urlpatterns = [
    # The bank browser, its exports and the category tree
    path("bank/", bank.question_list, name="question_list"),
    path("bank/export.xlsx", bank.question_export_xlsx, name="question_export_xlsx"),
    path("bank/export.xml", bank.question_export_xml, name="question_export_xml"),
    path("bank/categories/", bank.category_list, name="question_category_list"),
    path("bank/categories/<int:pk>/edit/", bank.category_edit, name="question_category_edit"),
    path(
        "bank/categories/<int:pk>/delete/",
        bank.category_delete,
        name="question_category_delete",
    ),
    # One question: editor, live check, detail with history, delete, stem image
    path("bank/questions/new/", bank_questions.question_create, name="question_create"),
    path("bank/questions/validate/", bank_questions.question_validate, name="question_validate"),
    path("bank/questions/<int:pk>/", bank_questions.question_detail, name="question_detail"),
    path("bank/questions/<int:pk>/edit/", bank_questions.question_edit, name="question_edit"),
    path("bank/questions/<int:pk>/delete/", bank_questions.question_delete, name="question_delete"),
    path(
        "bank/questions/versions/<int:pk>/image/",
        bank_questions.question_image,
        name="question_image",
    ),
    # Import
    path("bank/import/", bank_imports.question_import, name="question_import"),
    path(
        "bank/import/template.xlsx",
        bank_imports.question_import_template,
        name="question_import_template",
    ),
]
