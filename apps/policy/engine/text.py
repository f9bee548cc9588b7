"""Dates and times as the reasons write them, and the day boundaries due times use."""

from datetime import date, datetime, time, timedelta, tzinfo

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

SYMPTOMS_ZH = {
    "fever": "发热",
    "cough": "咳嗽",
    "sore_throat": "咽痛",
    "rash": "皮疹",
    "diarrhoea": "腹泻",
    "vomiting": "呕吐",
    "jaundice": "黄疸",
}
SLOTS_ZH = {"morning": "晨检", "noon": "午检", "evening": "晚检"}
LEVELS_ZH = {"high": "高风险", "medium": "中风险", "low": "低风险"}


def zh_date(day: date) -> str:
    return f"{day.month}月{day.day}日"


def en_date(day: date) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]}"


def start_of_day(day: date, tz: tzinfo | None) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def end_of_day(day: date, tz: tzinfo | None) -> datetime:
    """The deadline of something due "by" a day: midnight at its end."""
    return start_of_day(day + timedelta(days=1), tz)


def symptoms_zh(symptoms) -> str:
    return "、".join(SYMPTOMS_ZH.get(s, s) for s in symptoms)


def symptoms_en(symptoms) -> str:
    return ", ".join(s.replace("_", " ") for s in symptoms)
