"""Set-up run inside `manage.py shell` on the private database of the PostgreSQL-restart
test: the test province, and gate terminals of school a with their API tokens. Prints JSON."""

import json

from apps.access.models import RoleAssignment, User
from apps.access.services import api_token_create
from apps.people.models import Person
from shaodian.testing.world import build_world


def main(count: int) -> None:
    world = build_world()
    school = world.schools["a"]
    tokens = []
    for n in range(count):
        user = User.objects.create_user(username=f"fault-terminal-{n}")
        RoleAssignment.objects.create(user=user, role="gate_officer", school=school)
        _token, raw = api_token_create(user=user, name=f"terminal {n}",
                                       permissions=["gate.verdict", "status.gate"], days=1)
        tokens.append(raw)
    numbers = list(Person.objects.filter(school=school, active=True)
                   .values_list("number", flat=True))
    print(json.dumps({"school_id": school.pk, "tokens": tokens, "numbers": numbers}))
