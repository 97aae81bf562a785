"""The platform administrator's pages are for staff only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.mark.parametrize("persona", ["anonymous", "applicant", "admin_a"])
def test_it_keeps_everyone_but_platform_staff_out(browser: Any, persona: str) -> None:
    # admin_a administers an agency's services, not the platform.
    response = browser(persona).get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_it_lets_platform_staff_manage_officers_roles(catalog: Any, clerk_a: Any) -> None:
    from eservice.accounts.models import User

    staff = User.objects.create_superuser("root", password="x" * 20)
    client = Client()
    client.force_login(staff)
    page = client.get(f"/admin/accounts/user/{clerk_a.pk}/change/")
    assert page.status_code == 200
    assert b"officer_roles-0-role" in page.content
    assert client.get("/admin/catalog/agency/").status_code == 200
