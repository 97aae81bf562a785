"""The agency's queue: filters, due-date order, and a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest

from eservice.cases import access, actions
from eservice.cases.access import QueueFilters
from eservice.cases.states import Status
from tests import factories
from tests.factories import RENEWAL, submitted_application


@pytest.fixture
def cases(queue_cases: dict[str, Any]) -> dict[str, Any]:
    return queue_cases


def _queue(user: Any, catalog: Any, **filters: Any) -> list[Any]:
    return list(access.queue(user, catalog.agency_a, QueueFilters(**filters)))


def test_it_lists_the_cases_the_agency_must_act_on_due_soonest_first(
    cases: dict[str, Any], catalog: Any, clerk_a: Any
) -> None:
    got = _queue(clerk_a, catalog)
    # A case waiting for the applicant's documents is not the agency's to act on:
    # it is listed under its own status (below).
    assert got == [cases["renewal"], cases["oldest"], cases["in_review"]]
    assert [a.due_at for a in got] == sorted(a.due_at for a in got)


def test_it_filters_by_status(cases: dict[str, Any], catalog: Any, clerk_a: Any) -> None:
    assert _queue(clerk_a, catalog, status=Status.RETURNED) == [cases["returned"]]
    assert _queue(clerk_a, catalog, status=Status.APPROVED) == [cases["approved"]]
    assert _queue(clerk_a, catalog, status=Status.DRAFT) == []


def test_it_filters_by_service(cases: dict[str, Any], catalog: Any, clerk_a: Any) -> None:
    assert _queue(clerk_a, catalog, service=RENEWAL) == [cases["renewal"]]
    assert cases["renewal"] not in _queue(clerk_a, catalog, service=factories.FOOD_SHOP)


def test_it_filters_overdue_cases(cases: dict[str, Any], catalog: Any, clerk_a: Any) -> None:
    assert _queue(clerk_a, catalog, overdue=True) == [cases["renewal"]]
    assert cases["renewal"].is_overdue


def test_it_filters_the_officers_own_cases(
    cases: dict[str, Any], catalog: Any, clerk_a: Any, reviewer_a: Any
) -> None:
    assert _queue(clerk_a, catalog, mine=True) == [cases["renewal"]]
    assert _queue(reviewer_a, catalog, mine=True) == [cases["in_review"]]


def test_it_shows_only_the_agencys_cases(cases: dict[str, Any], catalog: Any, clerk_b: Any) -> None:
    got = list(access.queue(clerk_b, catalog.agency_b, QueueFilters()))
    assert got == [cases["agency_b"]]


def _render(user: Any, catalog: Any) -> list[tuple[Any, ...]]:
    """Read what a queue row shows."""
    return [
        (
            a.tracking_number,
            a.status,
            a.due_at,
            a.is_overdue,
            a.service_version.name_th,
            a.assigned_to.display_name() if a.assigned_to else "",
            a.current_step,
        )
        for a in access.queue(user, catalog.agency_a, QueueFilters())
    ]


def test_it_reads_the_queue_in_a_fixed_number_of_queries(
    catalog: Any,
    applicant: Any,
    clerk_a: Any,
    reviewer_a: Any,
    monday: Any,
    django_assert_max_num_queries: Any,
) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            app = submitted_application(applicant, catalog.food_shop)
            actions.accept_documents(app, reviewer_a)
            actions.start_check(submitted_application(applicant, catalog.food_shop), clerk_a)

    add(2)
    with django_assert_max_num_queries(3):
        assert len(_render(clerk_a, catalog)) == 4
    add(10)
    with django_assert_max_num_queries(3):
        assert len(_render(clerk_a, catalog)) == 24
