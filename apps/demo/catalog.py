"""What a province's schools look like: the numbers and words the generator draws from.

Shares and sizes are rounded from Henan's 2021 education statistics (about 51,000 schools:
roughly 47% kindergartens, 37% primary, 9% junior, 2% senior, 1% vocational, 166
universities; 565 people per school on average). Good enough for realistic load and demos;
not a statistic to quote.
"""

from dataclasses import dataclass

from apps.orgs.models import Boarding, SchoolKind


@dataclass(frozen=True)
class KindSpec:
    school_share: float  # share of the province's schools
    typical_size: int  # students and staff of a typical school
    grades: tuple[str, ...]  # grade units (a university's are years inside each college)
    entry_age: int  # age on 31 August when entering the first grade
    class_size: int
    staff_share: float
    female_staff: float
    boarding: dict[str, float]  # probability of each boarding arrangement
    mixed_boarders: float  # share of boarders in a mixed school
    beds: int
    departments: tuple[str, ...]


_SCHOOL_DEPARTMENTS = ("校长办公室", "教务处", "政教处", "总务处", "安全保卫处")
_YEARS = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级")

KINDS: dict[str, KindSpec] = {
    SchoolKind.KINDERGARTEN: KindSpec(
        0.47,
        180,
        ("小班", "中班", "大班"),
        3,
        30,
        0.12,
        0.95,
        {Boarding.DAY: 1.0},
        0.0,
        0,
        ("园长办公室", "保教处", "后勤保障处"),
    ),
    SchoolKind.PRIMARY: KindSpec(
        0.37,
        560,
        _YEARS[:6],
        6,
        45,
        0.06,
        0.7,
        {Boarding.DAY: 0.75, Boarding.MIXED: 0.2, Boarding.BOARDING: 0.05},
        0.3,
        8,
        _SCHOOL_DEPARTMENTS,
    ),
    SchoolKind.JUNIOR: KindSpec(
        0.09,
        1150,
        _YEARS[6:9],
        12,
        50,
        0.08,
        0.55,
        {Boarding.DAY: 0.4, Boarding.MIXED: 0.4, Boarding.BOARDING: 0.2},
        0.4,
        8,
        _SCHOOL_DEPARTMENTS,
    ),
    SchoolKind.SENIOR: KindSpec(
        0.018,
        2600,
        ("高一年级", "高二年级", "高三年级"),
        15,
        50,
        0.08,
        0.5,
        {Boarding.DAY: 0.05, Boarding.MIXED: 0.45, Boarding.BOARDING: 0.5},
        0.6,
        8,
        _SCHOOL_DEPARTMENTS,
    ),
    SchoolKind.VOCATIONAL: KindSpec(
        0.012,
        2300,
        _YEARS[:3],
        15,
        45,
        0.06,
        0.5,
        {Boarding.MIXED: 0.3, Boarding.BOARDING: 0.7},
        0.6,
        6,
        ("校长办公室", "教务处", "学生处", "实训处", "招生就业处", "总务处"),
    ),
    SchoolKind.UNIVERSITY: KindSpec(
        0.0033,
        18000,
        ("大一", "大二", "大三", "大四"),
        18,
        35,
        0.07,
        0.5,
        {Boarding.BOARDING: 1.0},
        1.0,
        4,
        ("党政办公室", "教务处", "学生工作处", "后勤管理处", "保卫处", "校医院"),
    ),
    SchoolKind.SPECIAL: KindSpec(
        0.003,
        200,
        _YEARS,
        6,
        12,
        0.25,
        0.7,
        {Boarding.DAY: 0.1, Boarding.MIXED: 0.6, Boarding.BOARDING: 0.3},
        0.5,
        6,
        ("校长办公室", "教务处", "康复训练部", "总务处"),
    ),
}
# When a province is too small for every kind to get its share, this is who comes first.
KIND_PRIORITY = (
    SchoolKind.JUNIOR,
    SchoolKind.PRIMARY,
    SchoolKind.KINDERGARTEN,
    SchoolKind.SENIOR,
    SchoolKind.UNIVERSITY,
    SchoolKind.VOCATIONAL,
    SchoolKind.SPECIAL,
)
AVERAGE_SCHOOL_SIZE = 550

NAME_SUFFIX = {
    SchoolKind.KINDERGARTEN: "幼儿园",
    SchoolKind.PRIMARY: "小学",
    SchoolKind.JUNIOR: "初级中学",
    SchoolKind.SENIOR: "高级中学",
    SchoolKind.VOCATIONAL: "职业中等专业学校",
    SchoolKind.SPECIAL: "特殊教育学校",
}
UNIVERSITY_FIELDS = (
    "理工",
    "科技",
    "师范",
    "医学",
    "财经",
    "工程",
    "信息",
    "农业",
    "交通",
    "艺术",
    "外国语",
    "体育",
    "工业",
    "商贸",
    "水利",
    "电力",
    "航空",
    "建筑",
)
UNIVERSITY_TYPES = ("大学", "学院", "职业技术学院")
COLLEGES = (
    "计算机科学与技术学院",
    "文学院",
    "外国语学院",
    "数学与统计学院",
    "物理学院",
    "化学学院",
    "生命科学学院",
    "经济学院",
    "管理学院",
    "法学院",
    "医学院",
    "机械工程学院",
    "电气工程学院",
    "土木工程学院",
    "艺术学院",
    "体育学院",
    "新闻与传播学院",
    "教育学院",
    "材料科学与工程学院",
    "马克思主义学院",
)
ROADS = (
    "人民路",
    "建设路",
    "文化路",
    "解放路",
    "中山路",
    "经三路",
    "纬五路",
    "花园路",
    "农业路",
    "黄河路",
    "金水路",
    "嵩山路",
    "南阳路",
    "大学路",
    "民主路",
    "工业路",
    "光明路",
    "胜利街",
    "友谊路",
    "和平路",
    "新华路",
    "长江路",
    "学院路",
    "迎宾大道",
)
OCCUPATIONS = (
    "工人",
    "农民",
    "教师",
    "医生",
    "护士",
    "公务员",
    "个体经营",
    "公司职员",
    "司机",
    "工程师",
    "销售",
    "退休",
    "自由职业",
    "务工",
    "厨师",
    "会计",
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "195",
    "198",
    "199",
)
HOSPITAL_CONTACT_ROLES = ("院感科主任", "发热门诊负责人", "公共卫生科科长")
