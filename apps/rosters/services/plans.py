"""What a roster check finds: the plan (its valid rows, each with what it would write, and
its errors by row and column), the outcome of applying it, and the actor's scope."""

from dataclasses import dataclass, field

from apps.core.identity import mask_document, mask_phone
from apps.orgs.models import School
from apps.rosters.headers import Columns
from apps.rosters.models import RosterImport
from apps.rosters.reading import Table

PERM = "rosters.import"
# Model field (as the people checks name it) -> roster field (as headers.py names it).
FIELD_COLUMN = {"residence_region_code": "residence_region", "dorm_room": "dorm"}
SENSITIVE = {"doc_number": mask_document, "phone": mask_phone, "guardian_phone": mask_phone}
BATCH = 10_000  # ids or keys per IN (...) query
PROGRESS_ROWS = 5_000  # rows between two progress reports


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet row number
    column: str  # the header as written in the file (or our title if the column is absent)
    value: str  # the cell, masked when it is a document or phone number
    reason: str
    message: str


@dataclass
class PlannedRow:
    row: int
    number: str
    values: dict  # model field -> value to store (document number in plain text: memory only)
    document: str
    hashes: list[str] = field(default_factory=list)  # the document's keyed hashes
    action: str = "new"  # new | updated | unchanged
    person_id: int | None = None
    changed: list[str] = field(default_factory=list)
    moved: tuple[str, str] | None = None  # (class before, class after)
    sealed: tuple[bytes, str] | None = None  # (ciphertext, masked), made by a forked child
    guardian: tuple[str, str, str] | None = None  # (name, relation, phone) the row names


@dataclass
class Plan:
    school: School
    kind: str
    table: Table
    columns: Columns
    rows: list[PlannedRow] = field(default_factory=list)  # the valid rows
    errors: list[RowError] = field(default_factory=list)
    file_name: str = ""
    sha256: str = ""
    record: RosterImport | None = None  # the dry run's entry in the import history
    progress: object = None  # told how many new people were written, now and then
    # Rows not yet read: roster_plan(compare=False) on PostgreSQL leaves them to
    # roster_apply, which checks them while it writes (see _check_and_create).
    unchecked: bool = False
    check_progress: object = None  # told how many rows were read, for an unchecked plan
    timings: dict = field(default_factory=dict)  # seconds spent in each step of the apply
    # Create the classes and units the file names that the school lacks (places.py); what
    # they are, once the file is planned (a NewPlaces).
    create_places: bool = False
    places: object = None

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    # For templates, which cannot pass arguments.
    new_count = property(lambda self: self.count("new"))
    updated_count = property(lambda self: self.count("updated"))
    unchanged_count = property(lambda self: self.count("unchanged"))


@dataclass
class ImportResult:
    record: RosterImport
    new: int
    updated: int
    unchanged: int
    rejected: int


@dataclass
class Scope:
    classes: set[int]  # classes the actor may import students into
    units: set[int]  # units the actor may import staff into (none for a class teacher)


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]
