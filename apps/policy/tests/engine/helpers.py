"""Facts and policies for the engine's tests: a school in Zhengzhou (Jinshui district)."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from apps.policy.engine.facts import PersonFacts, Policy
from apps.policy.engine.packs import Pack, available_packs, load_pack

TZ = ZoneInfo("Asia/Shanghai")
ZHENGZHOU, LUOYANG = "410105", "410302"
SHANGHAI, BEIJING, NANJING = "310115", "110105", "320102"
NAMES = {SHANGHAI: "上海", BEIJING: "北京", NANJING: "南京", LUOYANG: "洛阳"}


def day(text: str) -> date:
    """"3-16" -> 16 March 2022."""
    month, dom = text.split("-")
    return date(2022, int(month), int(dom))


def at(text: str, hour: float = 10) -> datetime:
    """"3-16", 9.5 -> 16 March 2022 09:30 in Shanghai time."""
    whole = int(hour)
    moment = time(whole, round((hour - whole) * 60)) if hour < 24 else time.min
    return datetime.combine(day(text), moment, tzinfo=TZ) + timedelta(days=int(hour // 24))


def facts(today: str = "3-19", hour: float = 10, **fields) -> PersonFacts:
    base = dict(
        person_id=1, school_id=1, kind="student", residence="boarder", home_region=ZHENGZHOU,
        school_region=ZHENGZHOU, today=day(today), now=at(today, hour), region_names=NAMES,
    )
    base.update(fields)
    return PersonFacts(**base)


@cache
def pack(pack_id: str) -> Pack:
    return load_pack(available_packs()[pack_id])


def policy(pack_id: str = "henan-2022", **params) -> Policy:
    base = pack(pack_id).policy()
    return replace(base, params={**base.params, **params})
