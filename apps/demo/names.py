"""Realistic Chinese names for synthetic people.

The hundred most common surnames with their approximate share of the population in per cent
(rounded, after the commonly cited national tables: realistic, not exact), and given names of
one or two characters drawn from pools that differ by sex and by generation (parents born in
the 1970s were not named like children born in the 2010s).
"""

import random
from bisect import bisect
from itertools import accumulate

from apps.demo.catalog import MOBILE_PREFIXES

SURNAMES = (
    ("王", 7.12),
    ("李", 7.00),
    ("张", 6.74),
    ("刘", 5.10),
    ("陈", 4.61),
    ("杨", 3.22),
    ("赵", 2.45),
    ("黄", 2.45),
    ("周", 2.12),
    ("吴", 2.05),
    ("徐", 1.67),
    ("孙", 1.54),
    ("胡", 1.31),
    ("朱", 1.26),
    ("高", 1.21),
    ("林", 1.18),
    ("何", 1.17),
    ("郭", 1.15),
    ("马", 1.05),
    ("罗", 0.86),
    ("梁", 0.83),
    ("宋", 0.78),
    ("郑", 0.76),
    ("谢", 0.72),
    ("韩", 0.68),
    ("唐", 0.65),
    ("冯", 0.64),
    ("于", 0.62),
    ("董", 0.61),
    ("肖", 0.59),
    ("程", 0.57),
    ("曹", 0.56),
    ("袁", 0.54),
    ("邓", 0.54),
    ("许", 0.53),
    ("傅", 0.51),
    ("沈", 0.50),
    ("曾", 0.50),
    ("彭", 0.49),
    ("吕", 0.47),
    ("苏", 0.46),
    ("卢", 0.46),
    ("蒋", 0.45),
    ("蔡", 0.44),
    ("贾", 0.42),
    ("丁", 0.41),
    ("魏", 0.40),
    ("薛", 0.39),
    ("叶", 0.39),
    ("阎", 0.38),
    ("余", 0.37),
    ("潘", 0.37),
    ("杜", 0.36),
    ("戴", 0.35),
    ("夏", 0.35),
    ("钟", 0.34),
    ("汪", 0.34),
    ("田", 0.33),
    ("任", 0.33),
    ("姜", 0.32),
    ("范", 0.32),
    ("方", 0.31),
    ("石", 0.31),
    ("姚", 0.30),
    ("谭", 0.30),
    ("廖", 0.29),
    ("邹", 0.28),
    ("熊", 0.28),
    ("金", 0.27),
    ("陆", 0.27),
    ("郝", 0.26),
    ("孔", 0.26),
    ("白", 0.26),
    ("崔", 0.25),
    ("康", 0.25),
    ("毛", 0.25),
    ("邱", 0.24),
    ("秦", 0.24),
    ("江", 0.23),
    ("史", 0.23),
    ("顾", 0.23),
    ("侯", 0.22),
    ("邵", 0.22),
    ("孟", 0.22),
    ("龙", 0.21),
    ("万", 0.21),
    ("段", 0.21),
    ("雷", 0.20),
    ("钱", 0.20),
    ("汤", 0.20),
    ("尹", 0.19),
    ("黎", 0.19),
    ("易", 0.19),
    ("常", 0.18),
    ("武", 0.18),
    ("乔", 0.18),
    ("贺", 0.17),
    ("赖", 0.17),
    ("龚", 0.17),
    ("文", 0.16),
    ("申", 0.15),
    ("牛", 0.15),
)

# Characters of given names, by sex and generation. Born before 1990: the names of today's
# parents, teachers and grandparents; from 1990: today's students.
GIVEN = {
    (
        "M",
        "old",
    ): "伟强磊军勇杰涛明超刚平辉华建国志民峰斌亮东海波林鹏飞宏庆文武红卫立新生春永祥忠福",
    ("F", "old"): "芳娜敏静丽艳娟霞秀英玲红梅兰萍燕华琴云莉凤桂珍玉洁慧丹素美惠莲",
    ("M", "new"): "宇轩浩然子涵博文泽昊睿航鑫晨俊杰一鸣梓豪皓天佑宸奕铭嘉瑞煜明哲逸凯翔凡宁朗",
    ("F", "new"): "梓涵欣怡雨萱诗琪佳悦可馨子墨思彤一诺语嫣紫琳若汐梦瑶雅静心怡婉清依晨书瑶沐",
}
_CUM_WEIGHTS = tuple(accumulate(weight for _, weight in SURNAMES))
_SURNAME_CHARS = tuple(name for name, _ in SURNAMES)


# random.Random.choice and randint are exact but slow; these few draws run tens of millions
# of times for a large province, and a float's resolution is plenty here.
def pick(rng: random.Random, seq):
    return seq[int(rng.random() * len(seq))]


def between(rng: random.Random, low: int, high: int) -> int:
    """An integer from low to high inclusive."""
    return low + int(rng.random() * (high - low + 1))


def random_surname(rng: random.Random) -> str:
    return _SURNAME_CHARS[bisect(_CUM_WEIGHTS, rng.random() * _CUM_WEIGHTS[-1])]


def random_given_name(rng: random.Random, sex: str, birth_year: int) -> str:
    pool = GIVEN[(sex, "new" if birth_year >= 1990 else "old")]
    # About a third of names have one character; two-character names are the rest.
    if rng.random() < 0.3:
        return pick(rng, pool)
    return pick(rng, pool) + pick(rng, pool)


def random_name(rng: random.Random, sex: str, birth_year: int, surname: str = "") -> str:
    return (surname or random_surname(rng)) + random_given_name(rng, sex, birth_year)


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals: 1 一, 10 十, 12 十二, 20 二十, 35 三十五."""
    digits = "零一二三四五六七八九"
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    head = "" if tens == 1 else digits[tens]
    return head + "十" + (digits[ones] if ones else "")


def random_mobile(rng: random.Random) -> str:
    return pick(rng, MOBILE_PREFIXES) + f"{int(rng.random() * 100_000_000):08d}"
