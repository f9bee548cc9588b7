"""The person rules, one small function each, registered by the pack's rule id."""

from . import exposure, health, school, travel  # noqa: F401  (importing registers them)
