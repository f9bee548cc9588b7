"""The approver chain is a table: each type and kind of person to the level that decides."""

import pytest

from apps.approvals.chain import approver_for


@pytest.mark.parametrize(("kind", "person", "bureau_flag", "expected"), [
    ("trip", "student", False, "school"),
    ("trip", "student", True, "school"),
    ("trip", "staff", False, "school"),
    ("trip", "staff", True, "bureau"),
    ("meeting", "staff", True, "school"),
    ("meeting", "student", False, None),
    ("gathering", "student", False, "school"),
    ("gathering", "staff", True, "school"),
    ("leave", "student", True, "class_teacher"),
    ("leave", "staff", False, "school"),
    ("visitor", "staff", False, "school"),
    ("visitor", "student", False, None),
    ("unknown", "staff", False, None),
])
def test_it_names_the_level_that_decides(kind, person, bureau_flag, expected):
    assert approver_for(kind, person, trips_need_bureau=bureau_flag) == expected
