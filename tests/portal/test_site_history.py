"""Wagtail's site history lists log entries by model, whatever the school (and the
entries name pupils): it is for superusers only, and hidden from everyone else."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["school1.teacher", "school1.admin", "school2.admin",
                                      "dept"])
def test_site_history_is_refused_to_everyone_but_superusers(client_for, username):
    client = client_for(username)
    assert client.get("/admin/reports/site-history/").status_code == 403
    assert client.get("/admin/reports/site-history/results/").status_code == 403
    assert b"/admin/reports/site-history/" not in client.get("/admin/").content


def test_a_superuser_reads_it(client_for):
    assert client_for("admin").get("/admin/reports/site-history/").status_code == 200
