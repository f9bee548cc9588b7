"""core.pages.form_page: a GET draws the page, a post by whoever may not make it is a 404, a
valid post calls and redirects, an invalid one is the page again answered 400."""

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from apps.core.pages import form_page


class NameForm(forms.Form):
    name = forms.CharField(max_length=5)


def _request(method: str, data=None):
    request = getattr(RequestFactory(), method)("/x/", data or {})
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _answer(request, may_post=True):
    called = []
    response = form_page(
        request, form=NameForm(request.POST or None), may_post=may_post, done="ok",
        success_url="/done/", call=called.append,
        page=lambda f: HttpResponse("errors" if f.errors else "page"))
    return response, called


def test_a_get_draws_the_page():
    response, called = _answer(_request("get"))
    assert (response.status_code, response.content, called) == (200, b"page", [])


def test_a_post_by_whoever_may_not_post_is_a_404():
    with pytest.raises(Http404):
        _answer(_request("post", {"name": "abc"}), may_post=False)


@pytest.mark.parametrize(("name", "status", "calls"), [("abc", 302, 1), ("abcdefg", 400, 0)])
def test_a_post_is_submitted(name, status, calls):
    response, called = _answer(_request("post", {"name": name}))
    assert response.status_code == status and len(called) == calls
    if status == 400:
        assert response.content == b"errors"
