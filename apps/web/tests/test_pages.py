"""The server-rendered pages, with the personas of the test province (core/testing/world.py)."""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from apps.access.models import AccessLog, ApiToken
from shaodian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db

def english(client):
    """Choose English the way a user does (the language cookie set_language writes): the
    browser's Accept-Language does not change the UI, which is Chinese by default."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def names_in(response) -> set[str]:
    return set(re.findall(r'class="fw-semibold person-link">([^<]+)<', response.content.decode()))


# ---- login and layout ------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


def test_it_logs_a_persona_in_and_shows_their_name_and_roles(client, world):
    english(client)
    response = client.post(
        reverse("web:login"), {"username": "teacher_a1", "password": PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("web:home")
    assert "王老师" in page and "Class teacher" in page


def test_it_says_wrong_username_or_password(client, world):
    english(client)
    response = client.post(
        reverse("web:login"), {"username": "teacher_a1", "password": "nope-nope"}
    )
    assert response.status_code == 401
    assert "Wrong username or password." in response.content.decode()


def test_it_says_the_account_is_locked_after_repeated_failures(client, world, settings):
    english(client)
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(reverse("web:login"), {"username": "teacher_a1", "password": "wrong-wrong"})
    response = client.post(
        reverse("web:login"), {"username": "teacher_a1", "password": PASSWORD}
    )
    assert response.status_code == 401
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_follows_only_a_local_next_address(client, world):
    url = reverse("web:login") + "?next=https://evil.example/"
    response = client.post(url, {"username": "teacher_a1", "password": PASSWORD})
    assert response.url == reverse("web:home")
    response = client.post(
        reverse("web:login") + "?next=/people/", {"username": "teacher_a1", "password": PASSWORD}
    )
    assert response.url == "/people/"


def test_it_logs_out_by_post_only(client, login, world):
    english(client)
    client = login(world.users["teacher_a1"])
    assert client.get(reverse("web:logout")).status_code == 405
    assert client.post(reverse("web:logout")).url == reverse("web:login")
    assert client.get(reverse("web:home")).status_code == 302


def menu(client) -> list[str]:
    """Every menu link, top-level and in the sections' dropdowns, in order."""
    page = client.get(reverse("web:home")).content.decode()
    nav = page.split('id="main-nav"')[1].split('id="user-box"')[0]
    return re.findall(r'class="(?:nav-link|dropdown-item)[^"]*" href="(/[^"]*)"', nav)


def sections(client) -> list[str]:
    page = client.get(reverse("web:home")).content.decode()
    return re.findall(r'id="menu-([a-z]+)"', page)


def test_it_builds_the_menu_from_permissions(login, world):
    province = login(world.users["province"])
    links = menu(province)
    assert links[0] == "/" and len(links) == len(set(links))
    assert {"/orgs/", "/people/", "/policy/", "/risk-areas/", "/tokens/",
            "/emergency/reports/", "/emergency/triggers/"} <= set(links)
    assert "/rosters/import/" not in links  # the province imports no roster
    gate = menu(login(world.users["gate_a"]))
    assert "/people/" not in gate and "/orgs/" not in gate
    assert {"/", "/risk-areas/", "/tokens/"} <= set(gate)
    guardian = menu(login(world.users["guardian_a1"]))
    assert "/declarations/" in guardian and "/people/" not in guardian
    assert "/tokens/" not in guardian and "/emergency/triggers/" not in guardian


def test_it_groups_the_menu_into_sections_that_fit_one_bar(login, world):
    client = login(world.users["school_a_admin"])
    assert sections(client) == ["people", "daily", "emergency", "testing", "settings"]
    page = client.get(reverse("web:home")).content.decode()
    top = re.findall(r'<li class="nav-item(?: dropdown)?">', page)
    assert len(top) <= 7  # home, five sections, and at most one plain link


def test_it_loads_its_scripts_and_styles_from_this_server(login, world):
    page = login(world.users["province"]).get(reverse("web:home")).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    unhashed = {re.sub(r"\.[0-9a-f]{12}\.", ".", s) for s in sources}  # tests/test_static.py
    assert {
        "/static/vendor/htmx.min.js",
        "/static/vendor/bootstrap.min.css",
        "/static/vendor/chart.umd.min.js",
    } <= unhashed
    assert all(s.startswith("/static/") for s in sources)


# ---- translations ----------------------------------------------------------------------


def test_it_speaks_chinese_by_default_and_english_after_switching(login, world):
    client = login(world.users["teacher_a1"])
    page = client.get(reverse("web:home")).content.decode()
    assert '<html lang="zh-hans">' in page and "退出登录" in page and "班主任" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("web:home")).content.decode()
    assert '<html lang="en">' in page and "Log out" in page and "Class teacher" in page


# ---- home per role ---------------------------------------------------------------------


def chart(page: str) -> dict:
    return json.loads(
        re.search(r'<script id="chart-data" type="application/json">(.+?)</script>', page).group(1)
    )


def stat(page: str, name: str) -> str:
    return re.search(rf'id="stat-{name}">([^<]+)<', page).group(1)


def test_it_shows_a_county_bureau_the_counts_of_its_county_only(login, world):
    page = login(world.users["jinshui_bureau"]).get(reverse("web:home")).content.decode()
    assert (
        stat(page, "schools"),
        stat(page, "classes"),
        stat(page, "students"),
        stat(page, "staff"),
    ) == ("1", "2", "3", "1")
    assert chart(page)["region"]["labels"] == ["金水区第一中学"]  # by school


def test_it_shows_the_province_everything(login, world):
    page = login(world.users["province"]).get(reverse("web:home")).content.decode()
    assert (stat(page, "schools"), stat(page, "students")) == ("2", "4")
    assert chart(page)["region"] == {
        "labels": ["郑州市", "洛阳市"],
        "values": [4, 1],
        "title": chart(page)["region"]["title"],
    }  # by city


def test_it_shows_a_school_admin_their_units_and_classes(client, login, world):
    english(client)
    page = login(world.users["school_a_admin"]).get(reverse("web:home")).content.decode()
    assert "金水区第一中学" in page and "七年级" in page and "教务处" in page
    assert "涧西区实验中学" not in page


def test_it_tells_a_school_the_instructions_its_policy_has_in_force(login, world):
    """offline_training_suspended (henan-2022): on every school's home page while it holds."""
    from apps.policy.selectors import pack_get
    from apps.policy.services import policy_choose_pack

    client = login(world.users["school_a_admin"])
    assert 'id="instruction-offline_training_suspended"' not in client.get(
        reverse("web:home")).content.decode()  # routine has no such instruction
    policy_choose_pack(actor=world.users["province"], province_code="410000",
                       pack_id="henan-2022", pack_version=str(pack_get("henan-2022").version),
                       reason="疫情防控")
    page = client.get(reverse("web:home")).content.decode()
    block = page[page.index('id="instruction-offline_training_suspended"'):]
    assert "暂停一切课外线下培训" in block[: block.index("</div>")]


def test_it_shows_a_class_teacher_their_class_list(login, world):
    page = login(world.users["teacher_a2"]).get(reverse("web:home")).content.decode()
    assert "陈小刚" in page and "七年级2班" in page
    assert "张小明" not in page


def test_it_explains_the_gate_page_to_a_gate_officer_and_opens_it(client, login, world):
    english(client)
    page = login(world.users["gate_a"]).get(reverse("web:home")).content.decode()
    main = page[page.index("<main") :]
    assert "金水区第一中学" in main and "take the temperature" in main
    assert "Open the gate check" in main and "arrives with" not in main


def test_it_shows_a_guardian_their_childs_card_with_todays_code(client, login, world):
    english(client)
    from apps.people.codes import personal_code_issue

    child = world.persons["a1_student"]
    page = login(world.users["guardian_a1"]).get(reverse("web:home")).content.decode()
    assert "张小明" in page and "My child" in page and "<svg" in page
    assert child.plain_document not in page and child.doc_masked in page
    assert personal_code_issue(person=child)  # the card's code is today's (rendered as QR)
    assert "刘小红" not in page


def test_it_shows_a_student_their_own_card(client, login, world):
    english(client)
    page = login(world.users["student_a1"]).get(reverse("web:home")).content.decode()
    assert "张小明" in page and "Me" in page and "<svg" in page


# ---- org tree --------------------------------------------------------------------------


def test_it_opens_the_tree_at_the_users_top_nodes(login, world):
    page = login(world.users["zhongyuan_bureau"]).get(reverse("web:org_tree")).content.decode()
    assert "中原区教育局" in page and "郑州市教育局" not in page and "金水区教育局" not in page


def test_it_expands_a_node_with_htmx_and_person_counts(client, login, world):
    english(client)
    client = login(world.users["province"])
    zz = world.bureaus["zhengzhou"]
    page = client.get(
        reverse("web:org_children", args=["bureau", zz.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "金水区教育局" in page and "中原区教育局" in page and "<html" not in page
    assert "4 persons" in page  # Jinshui: three students and one staff member
    school = world.schools["a"]
    page = client.get(
        reverse("web:org_children", args=["school", school.pk])
    ).content.decode()
    assert "七年级" in page and "3 persons" in page
    unit = world.units["a_grade"]
    page = client.get(reverse("web:org_children", args=["unit", unit.pk])).content.decode()
    assert "七年级1班" in page and "七年级2班" in page


def test_it_answers_404_for_a_node_out_of_scope(login, world):
    client = login(world.users["zhongyuan_bureau"])
    for kind, obj in (
        ("bureau", world.bureaus["jinshui"]),
        ("school", world.schools["a"]),
        ("unit", world.units["a_grade"]),
        ("nonsense", world.schools["a"]),
    ):
        assert client.get(reverse("web:org_children", args=[kind, obj.pk])).status_code == 404


# ---- person list -----------------------------------------------------------------------


def test_it_lists_a_class_teacher_only_their_class(login, world):
    response = login(world.users["teacher_a2"]).get(reverse("web:person_list"))
    assert names_in(response) == {"陈小刚"}


def test_it_lists_a_county_bureau_its_county(login, world):
    assert names_in(login(world.users["jinshui_bureau"]).get(reverse("web:person_list"))) == {
        "张小明",
        "刘小红",
        "陈小刚",
        "王建国",
    }
    assert names_in(login(world.users["zhongyuan_bureau"]).get(reverse("web:person_list"))) == set()


def test_it_masks_documents_and_phones_in_the_list(login, world):
    page = login(world.users["province"]).get(reverse("web:person_list")).content.decode()
    person = world.persons["a1_student"]
    assert person.plain_document not in page and person.doc_masked in page
    assert "13800138000" not in page and "138****8000" in page


def test_it_finds_a_person_by_exact_id_number_without_putting_it_in_the_address(login, world):
    person = world.persons["a2_student"]
    client = login(world.users["school_a_admin"])
    response = client.post(
        reverse("web:person_list"), {"q": person.plain_document.lower()}, HTTP_HX_REQUEST="true"
    )
    assert names_in(response) == {"陈小刚"}
    assert "<html" not in response.content.decode()  # a partial for htmx
    assert person.plain_document not in response["HX-Push-Url"]
    assert response["HX-Push-Url"] == reverse("web:person_list")


def test_it_searches_by_name_and_number_and_keeps_them_in_the_address(login, world):
    client = login(world.users["school_a_admin"])
    response = client.post(reverse("web:person_list"), {"q": "小"}, HTTP_HX_REQUEST="true")
    assert names_in(response) == {"张小明", "刘小红", "陈小刚"}
    assert "q=" in response["HX-Push-Url"]
    assert names_in(client.get(reverse("web:person_list"), {"q": "A2024101"})) == {"陈小刚"}


def test_it_filters_by_class_kind_and_residence(login, world):
    client = login(world.users["school_a_admin"])
    klass = world.classes["a_c1"]
    assert names_in(client.get(reverse("web:person_list"), {"klass": klass.pk})) == {
        "张小明",
        "刘小红",
    }
    assert names_in(client.get(reverse("web:person_list"), {"kind": "staff"})) == {"王建国"}
    assert names_in(client.get(reverse("web:person_list"), {"residence": "boarder"})) == set()


def test_it_ignores_a_filter_out_of_scope(login, world):
    client = login(world.users["teacher_a2"])
    other = world.classes["a_c1"]
    assert names_in(client.get(reverse("web:person_list"), {"klass": other.pk})) == {"陈小刚"}


def test_it_pages_the_list(login, world, settings):
    from apps.web import views

    views_page_size = views.PAGE_SIZE
    views.PAGE_SIZE = 2
    try:
        client = login(world.users["province"])
        first = client.get(reverse("web:person_list"))
        second = client.get(reverse("web:person_list"), {"page": 2})
    finally:
        views.PAGE_SIZE = views_page_size
    assert len(names_in(first)) == 2 and len(names_in(second)) == 2
    assert names_in(first).isdisjoint(names_in(second))
    assert "?page=2" in first.content.decode()


# ---- person detail ---------------------------------------------------------------------


def test_it_shows_a_person_masked_with_household_and_guardians(client, login, world):
    english(client)
    person = world.persons["a1_student"]
    page = (
        login(world.users["school_a_admin"])
        .get(reverse("web:person_detail", args=[person.pk]))
        .content.decode()
    )
    assert person.doc_masked in page and person.plain_document not in page
    assert "13800138000" not in page
    assert "张奶奶" in page and "张爸爸" in page
    assert 'id="history"' in page and 'id="reveal"' in page


def test_it_gives_a_class_teacher_neither_history_nor_reveal(login, world):
    person = world.persons["a1_student"]
    page = (
        login(world.users["teacher_a1"])
        .get(reverse("web:person_detail", args=[person.pk]))
        .content.decode()
    )
    assert 'id="history"' not in page and 'id="reveal"' not in page


def test_it_answers_404_for_a_person_of_another_county(login, world):
    person = world.persons["a1_student"]
    response = login(world.users["zhongyuan_bureau"]).get(
        reverse("web:person_detail", args=[person.pk])
    )
    assert response.status_code == 404
    assert "张小明" not in response.content.decode()


def test_it_answers_404_to_a_guardian_for_another_child(login, world):
    client = login(world.users["guardian_a1"])
    assert (
        client.get(reverse("web:person_detail", args=[world.persons["a1_student"].pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("web:person_detail", args=[world.persons["a1_student2"].pk])).status_code
        == 404
    )


def test_it_shows_the_history_of_changes(client, login, world):
    english(client)
    person = world.persons["a2_student"]
    person.name = "陈大刚"
    person.save()
    page = (
        login(world.users["school_a_admin"])
        .get(reverse("web:person_detail", args=[person.pk]))
        .content.decode()
    )
    history = page[page.index('id="history"') :]
    assert "陈小刚 → 陈大刚" in history and "Changed" in history and "Created" in history


def test_it_reveals_the_id_number_with_a_reason_and_logs_it(login, world):
    person = world.persons["a1_student"]
    client = login(world.users["school_a_admin"])
    url = reverse("web:person_reveal", args=[person.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and person.plain_document not in refused.content.decode()
    assert not AccessLog.objects.exists()
    response = client.post(url, {"reason": "核对疾控中心的排查名单"})
    assert response.status_code == 200
    assert person.plain_document in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    log = AccessLog.objects.get()
    assert (log.user, log.reason, log.object_id) == (
        world.users["school_a_admin"],
        "核对疾控中心的排查名单",
        str(person.pk),
    )


def test_it_refuses_to_reveal_to_someone_without_the_permission(login, world):
    person = world.persons["a1_student"]
    response = login(world.users["teacher_a1"]).post(
        reverse("web:person_reveal", args=[person.pk]), {"reason": "curious about it"}
    )
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


# ---- API tokens ------------------------------------------------------------------------


def test_it_creates_a_token_and_shows_it_once(login, world):
    client = login(world.users["gate_a"])
    response = client.post(
        reverse("web:token_list"), {"name": "北门终端", "permissions": ["gate.verdict"], "days": 30}
    )
    plaintext = re.search(r'id="token-plaintext">([^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=world.users["gate_a"])
    assert plaintext.startswith(f"sd_{token.prefix}_") and token.permissions == ["gate.verdict"]
    assert plaintext not in client.get(reverse("web:token_list")).content.decode()


def test_it_refuses_a_token_without_a_name(login, world):
    response = login(world.users["gate_a"]).post(
        reverse("web:token_list"), {"name": "", "days": 30}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_revokes_only_the_users_own_tokens(login, world):
    from apps.access.services import api_token_create

    mine, _ = api_token_create(user=world.users["gate_a"], name="gate", permissions=None, days=5)
    theirs, _ = api_token_create(
        user=world.users["sampler_a"], name="sampler", permissions=None, days=5
    )
    client = login(world.users["gate_a"])
    assert client.post(reverse("web:token_revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("web:token_revoke", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None


def test_it_speaks_chinese_to_a_browser_that_asks_for_english(login, world):
    client = login(world.users["teacher_a1"])
    page = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page and "退出登录" in page


def test_it_says_more_than_the_cap_instead_of_counting_everyone(login, world, settings):
    settings.LIST_COUNT_CAP = 3
    page = login(world.users["province"]).get(reverse("web:person_list")).content.decode()
    assert "超过 3 人" in page
    settings.LIST_COUNT_CAP = 10
    page = login(world.users["province"]).get(reverse("web:person_list")).content.decode()
    assert "找到 5 人" in page


def test_it_lists_a_schools_grades_by_rung(login, world):
    from shaodian.testing.world import add_grades

    add_grades(world, "a")
    page = login(world.users["school_a_admin"]).get(reverse("web:home")).content.decode()
    table = page[page.index("school-panel"):]
    assert table.index(">七年级<") < table.index(">八年级<") < table.index(">九年级<")


@pytest.mark.parametrize(("username", "link"), [("gate_a", "/gate/kiosk/"),
                                                ("sampler_a", "/testing/station/")])
def test_a_duty_role_is_sent_to_its_working_page_not_told_it_comes_later(login, world,
                                                                         username, link):
    page = login(world.users[username]).get(reverse("web:home")).content.decode()
    duty = page[page.index('class="mb-4 duty"'):]
    assert f'href="{link}"' in duty[:duty.index("</section>")]
    assert "将随" not in page and "届时" not in page
