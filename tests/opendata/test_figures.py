"""Monthly figures: what counts where, working days, overdue by time alone, incrementality."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from eservice.cases import actions
from eservice.opendata.models import CaseFact, Dataset, MonthFigures
from eservice.opendata.publish import publish
from tests.factories import (
    REQUESTED_DOCUMENT,
    advance_to_last_step,
    bangkok,
    pdf_upload,
    submitted_application,
)

MARCH = date(2026, 3, 1)
APRIL = date(2026, 4, 1)


@pytest.fixture
def officers(clerk_a: Any, reviewer_a: Any, approver_a: Any) -> dict[str, Any]:
    return {"clerk": clerk_a, "reviewer": reviewer_a, "approver": approver_a}


@pytest.fixture(autouse=True)
def _publisher(catalog: Any, settings: Any) -> None:
    settings.OPENDATA_PUBLISHER = catalog.agency_a.code


def month(service: Any, when: date) -> MonthFigures:
    return MonthFigures.objects.get(scope="service", key=service.pk, month=when)


def approve(app: Any, officers: dict[str, Any]) -> Any:
    if app.status == "submitted":
        app = actions.start_check(app, officers["clerk"])
    app = actions.accept_documents(app, officers["clerk"])
    app = advance_to_last_step(app, clerk=officers["clerk"], reviewer=officers["reviewer"])
    return actions.approve(app, officers["approver"], "อนุญาต")


def test_a_decided_case_counts_when_received_and_when_decided(
    clock: Any, catalog: Any, applicant: Any, officers: dict[str, Any]
) -> None:
    clock.set(bangkok(2026, 3, 30, 9, 0))  # Monday
    app = submitted_application(applicant, catalog.food_shop)
    clock.set(bangkok(2026, 4, 1, 9, 0))  # Wednesday: two working days later
    approve(app, officers)
    publish()

    march, april = month(catalog.food_shop, MARCH), month(catalog.food_shop, APRIL)
    assert (march.received, march.completed, march.ended) == (1, 0, 0)
    assert (april.received, april.completed, april.approved, april.within_limit) == (0, 1, 1, 1)
    assert april.median_days == 2.0
    fact = CaseFact.objects.get(application_id=app.pk)
    assert fact.working_days == 2.0 and fact.within_limit is True


def test_time_waiting_for_the_applicants_documents_is_not_the_agencys(
    clock: Any, catalog: Any, applicant: Any, officers: dict[str, Any]
) -> None:
    clock.set(bangkok(2026, 3, 9, 9, 0))  # Monday
    app = submitted_application(applicant, catalog.food_shop)
    clock.set(bangkok(2026, 3, 10, 9, 0))  # a working day later the clerk asks for a document
    app = actions.start_check(app, officers["clerk"])
    app = actions.request_documents(app, officers["clerk"], [{"code": REQUESTED_DOCUMENT}])
    clock.set(bangkok(2026, 3, 17, 9, 0))  # five working days pass on the applicant's side
    actions.upload_document(app, applicant, REQUESTED_DOCUMENT, pdf_upload("again.pdf"))
    app = actions.resubmit(app, applicant)
    clock.set(bangkok(2026, 3, 18, 9, 0))  # and one more working day at the agency
    approve(app, officers)
    publish()

    figures = month(catalog.food_shop, MARCH)
    assert figures.returned == 1
    assert figures.median_days == 2.0  # 1 day before the request + 1 after the documents


def test_an_open_case_becomes_overdue_with_time_alone(
    clock: Any, catalog: Any, applicant: Any, officers: dict[str, Any]
) -> None:
    clock.set(bangkok(2026, 3, 9, 9, 0))
    app = submitted_application(applicant, catalog.food_shop)  # 8 working days: due 19 March
    publish()
    assert month(catalog.food_shop, MARCH).overdue_in == 0

    clock.set(bangkok(2026, 3, 20, 9, 0))  # no event at all since the last run
    report = publish()
    assert report.cases == 1
    assert month(catalog.food_shop, MARCH).overdue_in == 1

    clock.set(bangkok(2026, 4, 2, 9, 0))
    approve(app, officers)
    publish()
    april = month(catalog.food_shop, APRIL)
    assert (april.completed, april.within_limit, april.overdue_out) == (1, 0, 1)


def test_a_case_withdrawn_after_its_limit_passed_was_overdue_until_then(
    clock: Any, catalog: Any, applicant: Any
) -> None:
    clock.set(bangkok(2026, 3, 9, 9, 0))
    app = submitted_application(applicant, catalog.food_shop)
    clock.set(bangkok(2026, 3, 25, 9, 0))
    publish()
    clock.set(bangkok(2026, 4, 6, 9, 0))
    actions.withdraw(app, applicant, "ไม่ประสงค์ดำเนินการต่อ")
    publish()
    assert month(catalog.food_shop, MARCH).overdue_in == 1
    april = month(catalog.food_shop, APRIL)
    assert (april.withdrawn, april.overdue_out, april.completed) == (1, 1, 0)


def test_a_run_reads_only_what_changed(
    clock: Any, catalog: Any, applicant: Any, other_applicant: Any
) -> None:
    clock.set(bangkok(2026, 3, 9, 9, 0))
    for _ in range(3):
        submitted_application(applicant, catalog.food_shop)
    first = publish()
    assert first.cases == 3

    clock.set(bangkok(2026, 3, 9, 10, 0))
    submitted_application(other_applicant, catalog.house_copy)
    second = publish()
    assert second.cases == 1
    # Only agency B's performance dataset (and the national ones) were written again.
    assert f"{catalog.agency_b.code}-service-performance" in second.written
    assert f"{catalog.agency_a.code}-service-performance" not in second.written
    assert month(catalog.house_copy, MARCH).received == 1
    assert month(catalog.food_shop, MARCH).received == 3


def test_a_run_with_nothing_new_rewrites_no_dataset(
    clock: Any, catalog: Any, applicant: Any
) -> None:
    clock.set(bangkok(2026, 3, 9, 9, 0))
    submitted_application(applicant, catalog.food_shop)
    publish()
    modified = dict(Dataset.objects.values_list("name", "modified"))

    clock.set(bangkok(2026, 3, 9, 11, 0))
    report = publish()
    assert report.written == []
    assert dict(Dataset.objects.values_list("name", "modified")) == modified


def _snapshot() -> set[tuple[Any, ...]]:
    return {
        (
            f.scope,
            f.key,
            f.month,
            f.received,
            f.completed,
            f.approved,
            f.rejected,
            f.within_limit,
            f.withdrawn,
            f.returned,
            f.ended,
            f.overdue_in,
            f.overdue_out,
            f.median_days,
            f.p90_days,
        )
        for f in MonthFigures.objects.all()
    }


def test_runs_after_each_change_add_up_to_a_full_recount(
    clock: Any,
    catalog: Any,
    applicant: Any,
    officers: dict[str, Any],
    clerk_b: Any,
    approver_b: Any,
) -> None:
    """Whatever happens between runs, the incremental figures equal a recount from scratch."""
    rng = random.Random(7)
    moment = bangkok(2026, 2, 23, 9, 0)
    clock.set(moment)
    open_cases: list[Any] = []
    services = [catalog.food_shop, catalog.house_copy]
    for _ in range(24):
        moment += timedelta(hours=rng.choice([5, 20, 26, 70]))
        clock.set(moment)
        choice = rng.random()
        if choice < 0.45 or not open_cases:
            open_cases.append(submitted_application(applicant, rng.choice(services)))
        else:
            app = open_cases.pop(rng.randrange(len(open_cases)))
            if choice < 0.6:
                actions.withdraw(app, applicant, "")
            elif app.service_id == catalog.food_shop.pk:
                approve(app, officers)
            else:
                app = actions.start_check(app, clerk_b)
                actions.reject(app, approver_b, "ไม่ครบ", "อุทธรณ์ได้ภายใน 30 วัน")
        if rng.random() < 0.5:
            publish()
    moment += timedelta(days=20)
    clock.set(moment)
    publish()
    incremental = _snapshot()
    publish(full=True)
    full_figures = _snapshot()
    assert sorted(incremental - full_figures) == sorted(full_figures - incremental)
    assert any(row[11] for row in incremental), "some case became overdue"
    assert any(row[4] for row in incremental), "some case was decided"
