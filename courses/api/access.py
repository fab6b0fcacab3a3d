"""Access checks the course and training API views share."""

from courses.selectors.trainings import training_get_for_user


class TrainingVisibleFirst:
    """For views of one training (``/trainings/{id}/...``): a training the caller may not see
    is a 404 before any role check. Were the role checked first, a trainee would get 403 for
    the staff parts of every training and could not tell; checked after a visibility check
    of the object alone, 403 against 404 would tell which trainings exist. Anonymous callers
    still get 401."""

    training_url_kwarg = "training_id"

    def check_permissions(self, request):
        training_id = self.kwargs.get(self.training_url_kwarg)
        if training_id is not None and request.user and request.user.is_authenticated:
            training_get_for_user(user=request.user, training_id=int(training_id))
        super().check_permissions(request)
