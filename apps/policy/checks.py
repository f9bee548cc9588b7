"""System checks (`manage.py check`, and every start): the shipped packs and the list of
where their parameters act (apps.policy.readers) agree."""

from django.core import checks

from apps.policy.readers import READERS


@checks.register()
def packs_and_readers(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from apps.policy.engine.packs import PackError
    from apps.policy.selectors import packs_all

    try:
        packs = packs_all()
    except PackError as exc:
        return [checks.Error(str(exc), id="policy.E000")]
    return parameter_problems(packs, READERS)


def parameter_problems(packs, readers: dict) -> list[checks.CheckMessage]:
    """E001: a parameter no code reads and its pack does not call informational; E002: a
    reader listed for a parameter no pack has; E003: a parameter both read and informational
    (the page would call a rule mere guidance)."""
    found, named, seen = [], set(), set()
    for pack in packs:
        for name, spec in pack.parameters.items():
            named.add(name)
            if (spec.layer or pack.id, name) in seen:  # a base's, said with the base
                continue
            seen.add((spec.layer or pack.id, name))
            if spec.informational and name in readers:
                found.append(checks.Error(
                    f"{spec.layer or pack.id}: {name} is marked informational but "
                    f"{readers[name]} read it",
                    hint="Remove `informational: true` from the pack.", id="policy.E003"))
            elif not spec.informational and name not in readers:
                found.append(checks.Error(
                    f"{spec.layer or pack.id}: no code reads the parameter {name}",
                    hint="Read it where it acts and list it in apps/policy/readers.py, or "
                         "mark it `informational: true` in the pack.", id="policy.E001"))
    for name in sorted(set(readers) - named):
        found.append(checks.Error(f"apps/policy/readers.py lists {name}, which no pack has",
                                  id="policy.E002"))
    return found
