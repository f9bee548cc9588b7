"""The ids a page's forms offer as choices, found the way a user finds them: each page is
fetched as the persona, each POST form it renders is read from the HTML (every field at the
value the page gives it), and each of its fields that chooses a row by id (a
ModelChoiceField, a ModelMultipleChoiceField, a typed choice of integers, or a choice of
`<kind>:<id>` values) is one case: the form posted back with that field set to a row outside
the persona's scope, and to an id no row has."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django import forms
from django.urls import Resolver404, resolve

from apps.access.models import User
from apps.emergency.models import SchoolTrigger
from apps.people.models import HouseholdMember

from .routes import ID_MODELS

# A form field's name -> the model it names, where the name alone is not in ID_MODELS.
FORM_MODELS = {**ID_MODELS, "assignee": User, "user": User, "trigger": SchoolTrigger,
               "klass_ids": ID_MODELS["klass"], "traveller": HouseholdMember}
# `<kind>:<id>` option values (a mode's grade or class): the kind says the model.
KEYED = re.compile(r"^(\w+):(\d+)$")
# Text a form's empty inputs are given, so a write reaches its choice's check.
FILLER = "范围测试"


@dataclass(frozen=True)
class FormCase:
    action: str  # the URL the form posts to
    route: str  # its URL name
    field: str  # the id field's name in the POST (with the form's prefix)
    model: type
    data: tuple  # (name, value) pairs of the form as rendered, the id field left out
    template: str = "{}"  # how an id is written in the field (`klass:{}`)
    offered: tuple = ()  # the ids the page offers (the controls post one of them back)

    def label(self) -> str:
        return f"POST {self.route} [{self.field}={self.model.__name__}]"

    def post(self, pk) -> dict:
        data = {}
        for name, value in self.data:
            data.setdefault(name, []).append(value)
        data[self.field] = [self.template.format(pk)]
        return data


class _Forms(HTMLParser):
    """Every `<form>`: its method, its action and its fields as a browser would send them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"action": attrs.get("action", ""), "fields": [], "selects": {},
                          "method": attrs.get("method", "").lower()}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            self._input(attrs)
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["selects"][self._select] = {"options": [], "chosen": [],
                                                   "multiple": "multiple" in attrs}
        elif tag == "option" and self._select is not None:
            select = self._form["selects"][self._select]
            select["options"].append(attrs.get("value", ""))
            if "selected" in attrs:
                select["chosen"].append(attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form["fields"].append([self._textarea, ""])

    def _input(self, attrs):
        kind = attrs.get("type", "text").lower()
        if kind in ("submit", "button", "file", "reset", "image"):
            return
        if kind in ("checkbox", "radio"):  # a choice among options, as a select is
            choice = self._form["selects"].setdefault(attrs["name"], {
                "options": [], "chosen": [], "multiple": kind == "checkbox", "boxes": True})
            choice["options"].append(attrs.get("value", "on"))
            if "checked" in attrs:
                choice["chosen"].append(attrs.get("value", "on"))
            return
        value = attrs.get("value", "")
        if not value and kind in ("text", "number", "date", "tel", "email", "search"):
            value = {"number": "1", "date": attrs.get("max", "") or "2026-11-18",
                     "tel": "13800138000", "email": "scope@example.cn"}.get(kind, FILLER)
        self._form["fields"].append([attrs["name"], value])

    def handle_data(self, data):
        if self._textarea is not None and self._form is not None:
            self._form["fields"][-1][1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._form is not None and not self._form["fields"][-1][1]:
                self._form["fields"][-1][1] = FILLER
            self._textarea = None


def context_forms(response) -> list:
    """The forms (formsets' too) a page rendered, from its template context."""
    found, seen = [], set()
    for context in response.context or ():
        for layer in getattr(context, "dicts", [context]):
            for value in layer.values() if isinstance(layer, dict) else ():
                each = value.forms if isinstance(value, forms.BaseFormSet) else [value]
                for form in each:
                    if isinstance(form, forms.BaseForm) and id(form) not in seen:
                        seen.add(id(form))
                        found.append(form)
    return found


def id_fields(response) -> dict:
    """Each rendered form field that chooses a row by id: its POST name -> (name, field)."""
    fields = {}
    for form in context_forms(response):
        for name, field in form.fields.items():
            if _chooses_by_id(field) or isinstance(field, forms.ChoiceField):
                fields[form.add_prefix(name)] = (name, field)
    return fields


def _chooses_by_id(field) -> bool:
    if isinstance(field, forms.ModelChoiceField):  # ModelMultipleChoiceField is one too
        return True
    return isinstance(field, forms.TypedChoiceField | forms.TypedMultipleChoiceField) and (
        field.coerce is int)


def field_model(name: str, field):
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        return field.queryset.model
    return FORM_MODELS.get(name)


def form_cases(response, page_path: str) -> tuple[list, set]:
    """(the cases of a rendered page, the id fields it renders that name no known model)."""
    fields = id_fields(response)
    parser = _Forms()
    parser.feed(response.content.decode(errors="replace"))
    cases, unmapped = [], set()
    for form in parser.forms:
        action = form["action"] or page_path
        try:
            route = resolve(urlsplit(action).path).view_name
        except Resolver404:
            continue
        if form["method"] == "get":  # a filter: its ids are the route's query ids
            cases += [FormCase(action, route, name, None, (), "{}")
                      for name, select in form["selects"].items()
                      if (name in fields and _chooses_by_id(fields[name][1]))
                      or (name in FORM_MODELS and any(o.isdigit() for o in select["options"]))]
            continue
        if form["method"] != "post":
            continue  # no method: a script's form, which sends what it reads through the API
        for name, select in form["selects"].items():
            if name in fields:
                field_name, field = fields[name]
            elif name in FORM_MODELS and any(o.isdigit() for o in select["options"]):
                field_name, field = name, forms.TypedChoiceField(coerce=int)  # by hand
            else:
                continue
            for model, template, chosen in _id_choices(field_name, field, select, form):
                if model is None:
                    unmapped.add(f"{route} {name}")
                    continue
                data = [(n, v) for n, v in form["fields"] if n != name]
                data += [(n, v) for n, v in _selects(form, skip=name, prefer=chosen)]
                offered = tuple(int(m.group(1)) for o in select["options"]
                                if (m := re.fullmatch(template.format(r"(\d+)"), o)))
                cases.append(FormCase(action, route, name, model, tuple(data), template,
                                      offered))
        cases += _hidden_ids(form, action, route)
    return cases, unmapped


def _hidden_ids(form, action, route) -> list:
    """A form's hidden id (`<input type="hidden" name="person" value="5">`): posted back
    naming another row."""
    return [FormCase(action, route, name, FORM_MODELS[name],
                     tuple((n, v) for n, v in form["fields"] if n != name)
                     + tuple(_selects(form, skip="", prefer="")), offered=(int(value),))
            for name, value in form["fields"] if name in FORM_MODELS and value.isdigit()]


def _id_choices(name, field, select, form):
    """(model, how an id is written, the option to prefer in the form's other selects)."""
    if _chooses_by_id(field):
        yield field_model(name, field), "{}", ""
        return
    kinds = {m.group(1) for o in select["options"] if (m := KEYED.match(o))}
    for kind in sorted(kinds):  # `unit:3`, `klass:5`: the form's other choice says the kind
        yield FORM_MODELS.get(kind), f"{kind}:{{}}", kind


def _selects(form, *, skip: str, prefer: str):
    """Each other select's value: the one the page chose, else `prefer` when it offers it,
    else its first non-empty option."""
    for name, select in form["selects"].items():
        if name == skip:
            continue
        options = [o for o in select["options"] if o]
        if prefer in options:
            yield name, prefer
        elif select.get("boxes"):  # boxes stay as the page left them
            yield from ((name, v) for v in select["chosen"])
        elif select["chosen"]:
            yield from ((name, v) for v in select["chosen"])
        elif options:
            yield name, options[0]
