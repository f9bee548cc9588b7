"""The menu is found in each app's own menu.py and keeps its order: within a section, the
order of its members in SECTIONS; within an app, the order its entries() gives."""

from types import SimpleNamespace

import pytest

from apps.web.navigation import _app_menus, menu_for

pytestmark = pytest.mark.django_db


def test_it_finds_each_apps_menu_module_in_installed_order():
    assert [m.__name__ for m in _app_menus()] == [
        "apps.orgs.menu", "apps.access.menu", "apps.accounts.menu", "apps.families.menu",
        "apps.rosters.menu",
        "apps.policy.menu", "apps.risk.menu", "apps.travel.menu",
        "apps.notifications.menu", "apps.followups.menu", "apps.emergency.menu",
        "apps.health.menu", "apps.gate.menu", "apps.absence.menu", "apps.schoolyear.menu",
        "apps.transfers.menu", "apps.testing.menu", "apps.reports.menu",
        "apps.supervision.menu", "apps.concerns.menu", "apps.supplies.menu",
        "apps.parcels.menu", "apps.disinfection.menu", "apps.approvals.menu",
        "apps.isolation.menu", "apps.visitors.menu", "apps.web.menu"]


def test_it_orders_a_school_admins_menu_as_the_sections_say(world):
    items = menu_for(SimpleNamespace(user=world.users["school_a_admin"], resolver_match=None))
    links = {i.get("section") or i["url"]: [e["url"] for e in i.get("entries", [])]
             for i in items}
    assert list(links) == ["/", "people", "daily", "emergency", "testing", "settings"]
    assert links["people"] == ["/orgs/", "/setup/schools/", "/roles/", "/accounts/",
                               "/setup/rollover/", "/people/", "/transfers/",
                               "/rosters/import/", "/families/codes/",
                               "/families/pending/", "/declarations/"]
    assert links["daily"][:4] == ["/health/", "/health/class/", "/health/school/",
                                  "/health/abnormal/"]
    assert links["daily"][-13:] == ["/followups/", "/followups/all/", "/reports/",
                                    "/supervision/", "/supervision/rectifications/",
                                    "/concerns/", "/isolation/", "/isolation/rooms/",
                                    "/supplies/", "/parcels/", "/disinfection/",
                                    "/approvals/inbox/", "/visitors/"]
    assert links["emergency"] == ["/risk-areas/", "/emergency/triggers/", "/emergency/modes/",
                                  "/emergency/plans/"]
    assert links["settings"] == ["/policy/", "/notifications/deliveries/", "/tokens/",
                                 "/access-log/"]
