"""What the certificate services share: constants, the refused-issue error, small helpers."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates.rules import RuleFailure

REVIEW_DUE_DAYS = 60
EXTENDED_INTERVAL_YEARS = 6
EXTENDED_INTERVAL_MIN_YEARS = 10
OVERRIDE_PERMISSION = "certificates.issue_with_override"


class RulesNotMet(ValidationError):
    """An issue refused by the rules; ``failures`` names each rule."""

    def __init__(self, failures: list[RuleFailure]):
        self.failures = failures
        super().__init__({"rules": [f"{failure.message}" for failure in failures]})


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _today() -> datetime.date:
    return timezone.localdate()
