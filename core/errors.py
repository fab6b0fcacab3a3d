"""Error types the services raise; the API and the pages turn them into answers.

Services raise Django's ``ValidationError`` for bad input (400) and these for the rest.
"""


class ServiceError(Exception):
    """Base for errors a service raises on purpose, with a message fit for the user."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Conflict(ServiceError):
    """The request is valid but the current state forbids it (exam closed, already submitted)."""

    status_code = 409


class NotFound(ServiceError):
    """The object does not exist or the caller may not see it: both look the same."""

    status_code = 404


class Forbidden(ServiceError):
    """The caller is known but lacks the right."""

    status_code = 403
