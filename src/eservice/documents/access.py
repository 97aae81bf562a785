"""Who may fetch an issued document: its holder and the issuing agency's officers."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from eservice.accounts.models import User
from eservice.accounts.services import juristic_persons_for, officer_roles
from eservice.core.errors import NotFound
from eservice.documents.models import IssuedDocument


def documents_visible_to(user: User) -> QuerySet[IssuedDocument]:
    """Documents the user holds (for themselves or a company they represent) or whose
    agency they work for."""
    return IssuedDocument.objects.filter(
        Q(application__applicant=user)
        | Q(application__on_behalf_of__in=juristic_persons_for(user))
        | Q(agency__in=officer_roles(user).values("agency"))
    ).select_related("agency", "application")


def document_for(user: User, public_id: Any) -> IssuedDocument:
    """Return one document the user may fetch; anything else looks like no document."""
    document = documents_visible_to(user).filter(public_id=public_id).first()
    if document is None:
        raise NotFound(_("No such document."))
    return document
