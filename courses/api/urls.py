from courses.api import materials, questionnaires, trainings

urlpatterns = [*trainings.urlpatterns, *materials.urlpatterns, *questionnaires.urlpatterns]
