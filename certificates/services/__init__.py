"""Every write to certificates: issue (one or a batch), number allocation, status upkeep,
reviews, violations, suspension, revocation, renewal, external certificates and types. Each
runs in one transaction and writes the audit log with before and after.

One module per area; everything is importable from ``certificates.services``.
"""

from certificates.services.common import (
    EXTENDED_INTERVAL_MIN_YEARS,
    EXTENDED_INTERVAL_YEARS,
    OVERRIDE_PERMISSION,
    REVIEW_DUE_DAYS,
    RulesNotMet,
)
from certificates.services.issue import (
    BatchIssue,
    certificate_issue,
    certificate_register_external,
    certificates_issue_batch,
    new_token,
    number_allocate,
)
from certificates.services.lifecycle import (
    certificate_reinstate,
    certificate_renew,
    certificate_review,
    certificate_revoke,
    certificate_suspend,
    refresher_hours_attended,
    violation_record,
)
from certificates.services.status import (
    certificate_refresh_status,
    certificate_state,
    certificates_refresh_statuses,
)
from certificates.services.types import certificate_type_create, certificate_type_update

__all__ = [
    "EXTENDED_INTERVAL_MIN_YEARS",
    "EXTENDED_INTERVAL_YEARS",
    "OVERRIDE_PERMISSION",
    "REVIEW_DUE_DAYS",
    "BatchIssue",
    "RulesNotMet",
    "certificate_issue",
    "certificate_refresh_status",
    "certificate_register_external",
    "certificate_reinstate",
    "certificate_renew",
    "certificate_review",
    "certificate_revoke",
    "certificate_state",
    "certificate_suspend",
    "certificate_type_create",
    "certificate_type_update",
    "certificates_issue_batch",
    "certificates_refresh_statuses",
    "new_token",
    "number_allocate",
    "refresher_hours_attended",
    "violation_record",
]
