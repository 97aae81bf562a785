from tests.api.test_cases_api import *  # noqa
from eservice.cases.access import queue, QueueFilters
from eservice.cases.models import Application

def test_debug(cases, api, clerk_a, catalog):
    qs = queue(clerk_a, catalog.agency_a, QueueFilters())
    print(qs.query)
    print([(a.tracking_number, a.status, a.due_at) for a in qs])
    print(list(Application.objects.values_list("tracking_number", "status", "due_at", "agency_id")))
    print(cases)
    assert 0
