"""A guardian's or household member's relation is kept as written (父亲, 母亲, 祖父…, from the
roster or the guardian's request); the common ones are shown in the reader's language."""

from django.utils.translation import pgettext_lazy

RELATIONS = {
    "父亲": pgettext_lazy("relation", "Father"),
    "母亲": pgettext_lazy("relation", "Mother"),
    "祖父": pgettext_lazy("relation", "Paternal grandfather"),
    "祖母": pgettext_lazy("relation", "Paternal grandmother"),
    "外祖父": pgettext_lazy("relation", "Maternal grandfather"),
    "外祖母": pgettext_lazy("relation", "Maternal grandmother"),
    "外公": pgettext_lazy("relation", "Maternal grandfather (外公)"),
    "外婆": pgettext_lazy("relation", "Maternal grandmother (外婆)"),
    "爷爷": pgettext_lazy("relation", "Paternal grandfather (爷爷)"),
    "奶奶": pgettext_lazy("relation", "Paternal grandmother (奶奶)"),
    "兄弟": pgettext_lazy("relation", "Brother"),
    "哥哥": pgettext_lazy("relation", "Elder brother"),
    "姐姐": pgettext_lazy("relation", "Elder sister"),
    "配偶": pgettext_lazy("relation", "Spouse"),
    "本人": pgettext_lazy("relation", "Self"),
    "监护人": pgettext_lazy("relation", "Guardian"),
    "其他": pgettext_lazy("relation", "Other"),
}


def relation_label(text) -> str:
    """The relation in the reader's language when it is a common one, else as written."""
    text = (text or "").strip()
    found = RELATIONS.get(text)
    return str(found) if found is not None else text
