"""The rules every case's stored state keeps when only the actions write it.

``eservice check-cases`` reads every case against them: a case that breaks one
was written around the actions (a bulk load, a hand edit, a bug) and may
refuse the next action. Each rule is one query, so a million cases are read
in seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from eservice.cases.models import Application, DocumentRequest, StepInstance, TimelineEvent
from eservice.cases.states import ACTIVE, Status
from eservice.core.text import find_not_text
from eservice.documents.models import IssuedDocument


def _open_step_at_current() -> Exists:
    return Exists(
        StepInstance.objects.filter(
            application=OuterRef("pk"), position=OuterRef("current_step"), completed_at__isnull=True
        )
    )


def _last_transition() -> Subquery:
    return Subquery(
        TimelineEvent.objects.filter(application=OuterRef("pk"), kind="transition")
        .order_by("-at", "-id")
        .values("to_status")[:1]
    )


def _approved_once() -> Exists:
    return Exists(TimelineEvent.objects.filter(application=OuterRef("pk"), action="approve"))


@dataclass(frozen=True)
class Rule:
    name: str
    broken: Callable[[], QuerySet[Application]]


RULES = [
    Rule(
        "a draft has no tracking number and no submission time",
        lambda: Application.objects.filter(status=Status.DRAFT).filter(
            Q(tracking_number__isnull=False) | Q(submitted_at__isnull=False)
        ),
    ),
    Rule(
        "a submitted case has its tracking number and submission time",
        lambda: Application.objects.exclude(status=Status.DRAFT).filter(
            Q(tracking_number__isnull=True) | Q(submitted_at__isnull=True)
        ),
    ),
    Rule(
        "a case the agency must act on has a due time and a running clock",
        lambda: Application.objects.filter(status__in=ACTIVE).filter(
            Q(due_at__isnull=True) | Q(paused_at__isnull=False)
        ),
    ),
    Rule(
        "a case waiting for documents has an open request and a paused clock",
        lambda: Application.objects.filter(status=Status.RETURNED).filter(
            ~Exists(
                DocumentRequest.objects.filter(
                    application=OuterRef("pk"), responded_at__isnull=True
                )
            )
            | Q(paused_at__isnull=True)
            | Q(remaining_minutes__isnull=True)
        ),
    ),
    Rule(
        "a case under consideration is at a step whose record is open",
        lambda: Application.objects.filter(status=Status.IN_REVIEW).filter(
            Q(current_step__isnull=True) | ~_open_step_at_current()
        ),
    ),
    Rule(
        "only a case under consideration has a step in progress",
        lambda: Application.objects.exclude(status=Status.IN_REVIEW).filter(
            Exists(
                StepInstance.objects.filter(application=OuterRef("pk"), completed_at__isnull=True)
            )
        ),
    ),
    Rule(
        "a decided case has its decision time",
        lambda: Application.objects.filter(status__in=[Status.APPROVED, Status.REJECTED]).filter(
            decided_at__isnull=True
        ),
    ),
    Rule(
        "an approved case has its issued document",
        lambda: (
            Application.objects.filter(status__in=[Status.APPROVED, Status.CLOSED])
            .filter(_approved_once())
            .exclude(Exists(IssuedDocument.objects.filter(application=OuterRef("pk"))))
        ),
    ),
    Rule(
        "a refusal gives its reasons and how to appeal",
        lambda: Application.objects.filter(status=Status.REJECTED).filter(
            Q(decision_reasons="") | Q(appeal_info="")
        ),
    ),
    Rule(
        "a withdrawn or closed case has its closing time",
        lambda: Application.objects.filter(status__in=[Status.WITHDRAWN, Status.CLOSED]).filter(
            closed_at__isnull=True
        ),
    ),
    Rule(
        "the timeline's last change leads to the case's status",
        lambda: (
            Application.objects.exclude(status=Status.DRAFT)
            .annotate(last=_last_transition())
            .exclude(last=F("status"))
        ),
    ),
]


@dataclass
class Finding:
    rule: str
    count: int
    examples: list[str]


def check(examples: int = 5) -> Iterator[Finding]:
    """Each rule with the cases that break it (a count and a few of them)."""
    for rule in RULES:
        broken = rule.broken()
        count = broken.count()
        sample = [
            number or f"draft {public_id}"
            for number, public_id in broken.order_by("pk").values_list(
                "tracking_number", "public_id"
            )[:examples]
        ]
        yield Finding(rule.name, count, sample)
    # Text that is not text in the answers (stored before inputs were checked).
    bad: list[str] = []
    count = 0
    for number, public_id, answers in Application.objects.values_list(
        "tracking_number", "public_id", "answers"
    ).iterator(chunk_size=2000):
        if find_not_text(answers):
            count += 1
            if len(bad) < examples:
                bad.append(number or f"draft {public_id}")
    yield Finding("answers hold only text", count, bad)
