"""The draft cluster report to the county CDC and the education bureau (聚集性疫情报告).

Names are masked (张*明), no ID numbers, phones or addresses: the report leaves the school.
It is written in Chinese whatever the reader's language, because that is what the CDC and
the bureau receive; the page shows it for the outbreak reporter to check, edit and send."""

from django.utils import timezone

from apps.absence.selectors import cluster_cases
from apps.policy.engine.clusters import DISEASES_ZH
from apps.policy.engine.text import symptoms_zh, zh_date

SEX_ZH = {"M": "男", "F": "女"}


def mask_name(name: str) -> str:
    """张小明 -> 张*明, 王芳 -> 王*, 欧阳娜娜 -> 欧**娜; a Latin name keeps its initial."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def report_rows(cluster) -> list[dict]:
    rows = []
    for n, case in enumerate(cluster_cases(cluster), start=1):
        rows.append({**case, "n": n, "name": mask_name(case["name"]),
                     "sex_zh": SEX_ZH.get(case["sex"], ""),
                     "symptoms_zh": symptoms_zh(case["symptoms"]),
                     "diseases_zh": "、".join(DISEASES_ZH.get(d, d) for d in case["diseases"])})
    return rows


def draft_text(cluster, rows: list[dict] | None = None) -> str:
    """The report as plain text, ready to paste into the CDC's form or a letter."""
    rows = report_rows(cluster) if rows is None else rows
    school = cluster.school
    detected = timezone.localtime(cluster.detected_at)
    lines = [
        f"{school.name}关于聚集性疫情的报告",
        "",
        f"报送：{school.region.name}疾病预防控制中心、{school.bureau.name}",
        f"发现时间：{detected:%Y-%m-%d %H:%M}",
        f"情况：{cluster.reason_zh}。",
        f"病例（{len(rows)}例，发病时间{zh_date(cluster.window_start)}至"
        f"{zh_date(cluster.window_end)}）：",
    ]
    for r in rows:
        parts = [f"{r['n']}. {r['name']}", r["sex_zh"], r["klass"],
                 f"{zh_date(r['onset'])}发病", r["symptoms_zh"]]
        if r["temperature"] is not None:
            parts.append(f"体温{r['temperature']}℃")
        if r["diseases_zh"]:
            parts.append(f"疑似{r['diseases_zh']}")
        if r["cause"]:
            parts.append(f"诊断：{r['cause']}")
        lines.append("，".join(p for p in parts if p))
    lines += ["", "学校已落实晨午检、因病缺勤病因追查和消毒通风，将继续追踪病例进展。",
              f"报告人：{school.name}疫情报告人"]
    return "\n".join(lines)
