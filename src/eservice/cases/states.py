"""The application's states and the only transitions allowed between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("status", "Submitted")
    CHECKING = "checking", pgettext_lazy("status", "Checking documents")
    RETURNED = "returned", pgettext_lazy("status", "Waiting for documents from applicant")
    IN_REVIEW = "in_review", pgettext_lazy("status", "Under consideration")
    APPROVED = "approved", pgettext_lazy("status", "Approved")
    REJECTED = "rejected", pgettext_lazy("status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("status", "Withdrawn")
    CLOSED = "closed", pgettext_lazy("status", "Closed")


# What each status means to the applicant, in plain language.
PLAIN = {
    Status.DRAFT: _("You have not submitted this application yet."),
    Status.SUBMITTED: _("The agency has received your application and will check it."),
    Status.CHECKING: _("An officer is checking that your documents are complete."),
    Status.RETURNED: _(
        "The agency needs more documents from you. The clock is paused until you send them."
    ),
    Status.IN_REVIEW: _(
        "Your documents are complete and the agency is considering your application."
    ),
    Status.APPROVED: _("Your application was approved."),
    Status.REJECTED: _(
        "Your application was rejected. The decision letter gives the reasons and how to appeal."
    ),
    Status.WITHDRAWN: _("The application was withdrawn by the applicant."),
    Status.CLOSED: _("The case is closed."),
}

ACTIVE = frozenset({Status.SUBMITTED, Status.CHECKING, Status.IN_REVIEW})
"""States in which the agency's clock runs."""

QUEUE_STATES = tuple(sorted(ACTIVE))
"""ACTIVE in a fixed order: the queue's query and its partial index must name them alike."""

OPEN = ACTIVE | {Status.RETURNED}
"""States before a decision: the applicant may still withdraw."""

DECIDED = frozenset({Status.APPROVED, Status.REJECTED})

DOCUMENT_STATES = frozenset({Status.APPROVED, Status.CLOSED})
"""States in which a case's issued documents may be revoked or re-issued."""

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({Status.DRAFT}), Status.SUBMITTED),
    "start_check": (frozenset({Status.SUBMITTED}), Status.CHECKING),
    "request_documents": (frozenset({Status.SUBMITTED, Status.CHECKING}), Status.RETURNED),
    "resubmit": (frozenset({Status.RETURNED}), Status.CHECKING),
    "accept_documents": (frozenset({Status.SUBMITTED, Status.CHECKING}), Status.IN_REVIEW),
    "complete_step": (frozenset({Status.IN_REVIEW}), Status.IN_REVIEW),
    "approve": (frozenset({Status.IN_REVIEW}), Status.APPROVED),
    # From RETURNED only once the applicant's time to send documents has passed.
    "reject": (
        frozenset({Status.SUBMITTED, Status.CHECKING, Status.RETURNED, Status.IN_REVIEW}),
        Status.REJECTED,
    ),
    "withdraw": (frozenset(OPEN), Status.WITHDRAWN),
    "close": (frozenset(DECIDED), Status.CLOSED),
}
"""action -> (states it may start from, state it leads to)."""

# The least officer role that may take each officer action.
OFFICER_ACTION_ROLE = {
    "start_check": "clerk",
    "request_documents": "clerk",
    "accept_documents": "clerk",
    "approve": "approver",
    "reject": "approver",
    "close": "clerk",
    "assign": "clerk",
    "note": "clerk",
    "revoke_document": "approver",
    "reissue_document": "approver",
}
