"""The personal code's colour by status, in one place (apps.status.colours): green, yellow
or red with words that say the same, in Chinese and English."""

import pytest
from django.utils import translation

from apps.status.colours import CODE_COLOURS, CODE_INK, CODE_LABELS, code_colour
from apps.status.models import Category


@pytest.mark.parametrize("category, compliant, colour", [
    ("normal", True, "green"),
    ("cleared", True, "green"),
    ("normal", False, "yellow"),  # an action overdue
    ("cleared", False, "yellow"),
    ("regimen_incomplete", True, "yellow"),
    ("key_population", True, "yellow"),
    ("key_population", False, "yellow"),
    ("home_monitoring", True, "yellow"),
    ("home_quarantine", True, "red"),
    ("home_quarantine", False, "red"),
    ("central_quarantine", True, "red"),
    ("isolation", True, "red"),
    ("something_new", True, "yellow"),  # unknown: never green
])
def test_it_colours_each_status(category, compliant, colour):
    assert code_colour(category, compliant) == colour


def test_it_knows_every_category_and_has_ink_and_words_for_every_colour():
    assert set(CODE_COLOURS) == set(Category.values)
    assert set(CODE_INK) == set(CODE_LABELS) == set(CODE_COLOURS.values())


@pytest.mark.parametrize("language, words", [
    ("zh-hans", {"green": "绿码", "yellow": "黄码", "red": "红码"}),
    ("en", {"green": "Green code", "yellow": "Yellow code", "red": "Red code"}),
])
def test_it_says_the_colour_in_words_in_each_language(language, words):
    with translation.override(language):
        for colour, word in words.items():
            assert str(CODE_LABELS[colour]).startswith(word)
