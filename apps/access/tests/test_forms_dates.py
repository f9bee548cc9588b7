"""The access pages' date pickers take the ISO date whatever the language: a Chinese page
must not fill <input type="date"> with 2026/11/18, which the browser drops."""

from datetime import date

import pytest
from django.utils import translation

from apps.access import forms

DATE_FIELDS = [(forms.LogFilterForm, "since"), (forms.LogFilterForm, "until"),
               (forms.RoleGrantForm, "ends_on"), (forms.RoleEndForm, "ends_on")]


@pytest.mark.parametrize(("form", "name"), DATE_FIELDS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_renders_dates_as_iso_in_every_language(form, name, language):
    widget = form.base_fields[name].widget
    with translation.override(language):
        html = widget.render(name, date(2026, 11, 18))
    assert 'type="date"' in html and 'value="2026-11-18"' in html
