"""Reads of the GB/T 2260 divisions: by code, by name with context, the tree around one.

"Within" is inclusive everywhere: a region is within itself, so a county bureau's own county
is inside its region. The tree is at most three deep (province, prefecture, county), so
every ancestor/descendant question is one query.
"""

import unicodedata

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from apps.core.errors import FieldError, ValidationFailed
from apps.regions.models import Region

# Suffixes people leave off ("河南", "郑州", "金水" for 河南省, 郑州市, 金水区).
_NAME_SUFFIXES = ("省", "市", "区", "县", "自治区", "自治州", "地区", "盟", "旗")
_MAX_LISTED = 5


def normalize_region_text(text: str) -> str:
    """Full-width digits folded, every space removed: "河南省 郑州市" is "河南省郑州市"."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


def normalize_code(text: str) -> str | None:
    """A 2-, 4- or 6-digit code as the 6-digit GB/T 2260 code; None if not a code."""
    text = normalize_region_text(text)
    if text.isdigit() and len(text) in (2, 4, 6):
        return text.ljust(6, "0")
    return None


def region_get(code: str) -> Region | None:
    """The region with this code (current or abolished), or None."""
    normal = normalize_code(code)
    if normal is None:
        return None
    return Region.objects.select_related("parent__parent").filter(code=normal).first()


def _within_q(code: str, prefix: str = "") -> Q:
    """Q for rows whose region (at `prefix`) is `code` or below it."""
    return (Q(**{f"{prefix}code": code}) | Q(**{f"{prefix}parent_id": code})
            | Q(**{f"{prefix}parent__parent_id": code}))


def region_children(code: str) -> QuerySet[Region]:
    return Region.objects.filter(parent_id=normalize_code(code) or code).order_by("code")


def region_descendants(code: str) -> QuerySet[Region]:
    """Everything below the region (not the region itself), current and abolished."""
    code = normalize_code(code) or code
    return Region.objects.filter(Q(parent_id=code) | Q(parent__parent_id=code)).order_by("code")


def region_ancestor_codes(code: str) -> list[str]:
    """The region's own code, then its parent's, then its grandparent's."""
    region = region_get(code)
    codes = []
    while region is not None:
        codes.append(region.code)
        region = region.parent
    return codes


def region_is_within(code: str, ancestor_code: str) -> bool:
    """True if `code` is `ancestor_code` or lies below it, following the stored parents
    (so 419001 济源市 is within 410000 and 371202 莱城区 within 371200 and 370000)."""
    ancestor = normalize_code(ancestor_code)
    return ancestor is not None and ancestor in region_ancestor_codes(code)


def regions_by_name(name: str, *, within: str | None = None) -> QuerySet[Region]:
    """Regions whose name contains `name`, exact names first, current before abolished;
    each has full_name so that the five 市中区 can be told apart."""
    name = normalize_region_text(name)
    if not name:
        return Region.objects.none()
    found = Region.objects.filter(name__contains=name)
    if within:
        found = found.filter(_within_q(normalize_code(within) or within))
    return found.annotate(
        rank=Case(When(name=name, then=Value(0)), default=Value(1), output_field=IntegerField()),
        abolished=Case(When(valid_to__isnull=True, then=Value(0)), default=Value(1),
                       output_field=IntegerField()),
    ).order_by("rank", "abolished", "code")


def _short(name: str) -> str:
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _context_fits(context: str, ancestors: list[Region]) -> bool:
    """Is `context` some of the ancestors' names, in order, each full or shortened?
    ("河南省郑州市", "郑州", "河南郑州市" and "" all fit 金水区's ancestors.)"""
    if not context:
        return True
    for i, ancestor in enumerate(ancestors):
        for form in (ancestor.name, _short(ancestor.name)):
            if context.startswith(form) and _context_fits(context[len(form):], ancestors[i + 1:]):
                return True
    return False


def _ancestors(region: Region) -> list[Region]:
    """From the province down to the region's parent."""
    chain, node = [], region.parent
    while node is not None:
        chain.insert(0, node)
        node = node.parent
    return chain


def _name_candidates(text: str) -> list[tuple[str, Region]]:
    """Every region whose name (or name with a usual suffix left off) ends the text, with
    the part of the text before it."""
    tails = {text[i:] for i in range(len(text))}
    names = tails | {t + s for t in tails for s in _NAME_SUFFIXES}
    found = []
    for region in Region.objects.filter(name__in=names).select_related("parent__parent"):
        for form in (region.name, _short(region.name)):
            if text.endswith(form):
                found.append((text[: -len(form)], region))
                break
    return found


def _fail(reason: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError("region", reason, message)])


def region_resolve(text: str, *, within: str | None = None, field: str = "region") -> Region:
    """One region from a code ("410105", "4101") or a name with as much context as needed
    ("金水区", "郑州市金水区", "河南郑州金水"). Among several matches a current region wins
    over abolished ones. Raises ValidationFailed naming `field` with reason unknown_region
    or ambiguous_region (whose message lists the candidates' full names)."""
    try:
        return _resolve(normalize_region_text(text), within)
    except ValidationFailed as exc:
        errors = [FieldError(field, e.reason, e.message) for e in exc.errors]
        raise ValidationFailed(errors) from None


def _resolve(text: str, within: str | None) -> Region:
    code = normalize_code(text)
    if code is not None:
        region = region_get(code)
        if region is None or (within and not region_is_within(code, within)):
            raise _fail("unknown_region", _("No region has the code %(code)s.") % {"code": code})
        return region
    matches = [r for context, r in _name_candidates(text) if _context_fits(context, _ancestors(r))]
    if within:
        matches = [r for r in matches if region_is_within(r.code, within)]
    current = [r for r in matches if r.valid_to is None]
    matches = current or matches
    if not matches:
        raise _fail("unknown_region", _("No region is called “%(text)s”.") % {"text": text})
    if len({r.code for r in matches}) > 1:
        names = "、".join(sorted(r.full_name for r in matches)[:_MAX_LISTED])
        raise _fail("ambiguous_region",
                    _("“%(text)s” could be %(names)s; add the province or city.")
                    % {"text": text, "names": names})
    return matches[0]
