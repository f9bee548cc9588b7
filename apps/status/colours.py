"""The colours of a status, in one place: the category badges' and the charts' (Bootstrap's
palette), and the personal code's green / yellow / red as people know them from health codes,
each with the words that say the same (colour is never the only sign).

The personal code's colour (`code_colour`) is a pure function of the category and whether
the required actions are on time:

- green: normal or cleared, nothing overdue;
- yellow: attention, a status that watches the person (key population, home monitoring, a
  test regimen not completed) or any status with an action overdue;
- red: home or central quarantine, isolation.

A category this table does not know is yellow, never green.
"""

from django.utils.translation import pgettext_lazy

from apps.status.models import Category

# Bootstrap colours of the category badges, from least to most restrictive.
CATEGORY_COLOURS = {
    Category.NORMAL: "success",
    Category.CLEARED: "info",
    Category.REGIMEN_INCOMPLETE: "warning",
    Category.KEY_POPULATION: "warning",
    Category.HOME_MONITORING: "warning",
    Category.HOME_QUARANTINE: "danger",
    Category.CENTRAL_QUARANTINE: "danger",
    Category.ISOLATION: "dark",
}
# The same, as chart colours (Bootstrap's palette), so the chart matches the badges.
CHART_COLOURS = {
    "success": "#198754", "info": "#0dcaf0", "warning": "#ffc107", "danger": "#dc3545",
    "dark": "#212529",
}

GREEN, YELLOW, RED = "green", "yellow", "red"
CODE_COLOURS = {
    Category.NORMAL: GREEN,
    Category.CLEARED: GREEN,
    Category.REGIMEN_INCOMPLETE: YELLOW,
    Category.KEY_POPULATION: YELLOW,
    Category.HOME_MONITORING: YELLOW,
    Category.HOME_QUARANTINE: RED,
    Category.CENTRAL_QUARANTINE: RED,
    Category.ISOLATION: RED,
}
# What each colour says, shown beside the code.
CODE_LABELS = {
    GREEN: pgettext_lazy("personal code", "Green code: status normal"),
    YELLOW: pgettext_lazy("personal code", "Yellow code: attention, follow the required actions"),
    RED: pgettext_lazy("personal code", "Red code: quarantine or isolation, do not come to school"),
}
# The QR code's dark modules: deep enough on white for a gate's scanner to read.
CODE_INK = {GREEN: "#146c43", YELLOW: "#7a5c00", RED: "#b02a37"}


def code_colour(category: str, compliant: bool = True) -> str:
    """green, yellow or red for a status category (and whether its actions are on time)."""
    colour = CODE_COLOURS.get(category, YELLOW)
    return YELLOW if colour == GREEN and not compliant else colour
