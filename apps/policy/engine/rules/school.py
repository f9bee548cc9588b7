"""Rules that follow from the school's mode."""

from ..facts import Action, PersonFacts, Reason
from ..registry import Candidate, Params, rule


@rule("closed_loop", "closed_loop_boarders_may_not_leave")
def closed_loop(facts: PersonFacts, p: Params):
    if facts.school_mode != "closed_loop":
        return ()
    if facts.residence != "boarder" and not facts.lives_on_campus:
        return ()
    if not p["closed_loop_boarders_may_not_leave"]:
        return ()
    if facts.residence == "boarder":
        reason = Reason(
            "closed_loop",
            "闭环管理：学校实行闭环管理，寄宿生不得离校",
            "Closed-loop management: the school is closed-loop, boarders may not leave",
        )
    else:  # staff living on campus for the closed-loop period: as boarders
        reason = Reason(
            "closed_loop",
            "闭环管理：学校实行闭环管理，住校教职工不得离校",
            "Closed-loop management: the school is closed-loop, staff living on campus may "
            "not leave",
        )
    action = Action(kind="no_leave", detail={"school_mode": "closed_loop"})
    return (Candidate("normal", None, (action,), (reason,)),)
