"""The OpenAPI document describes what the endpoints take and answer.

It keeps one component schema per class name, so two different classes with the same name
would document one endpoint with the other's schema: every schema class an operation uses
has a name no other class has."""

import enum
import typing
from collections import defaultdict

import jsonschema_rs
import pydantic
from django.core.files.uploadedfile import SimpleUploadedFile
from ninja.params.models import ParamModel

from shaodian.api import api


def _schema_classes():
    """Every model and enum an operation of the API takes or answers, nested ones too,
    by name. ninja's own containers for an operation's parameters and responses are
    generated per operation and are no components: their fields are."""
    found, seen = defaultdict(set), set()

    def walk(annotation):
        if annotation in seen:
            return
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            seen.add(annotation)
            found[annotation.__name__].add(annotation)
        elif isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
            seen.add(annotation)
            generated = (issubclass(annotation, ParamModel)
                         or annotation.__name__ == "NinjaResponseSchema")
            if not generated:
                found[annotation.__name__].add(annotation)
            for field in annotation.model_fields.values():
                walk(field.annotation)
        else:
            for argument in typing.get_args(annotation):
                walk(argument)

    for router in api._get_bound_routers():  # the mounted routers, included ones too
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    walk(model)
                for model in (operation.response_models or {}).values():
                    walk(model)
    return found


def test_it_finds_the_schemas_of_included_routers():
    names = _schema_classes()
    assert {"PersonOut", "TriggerOut", "TubeOut", "SchoolOut"} <= set(names)


def test_it_names_every_schema_class_uniquely():
    clashes = {name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
               for name, classes in _schema_classes().items() if len(classes) > 1}
    assert not clashes


def test_it_documents_each_body_with_its_own_schema(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "outcome" in schema["FollowUpCompleteIn"]["required"]
    assert set(schema["GateOverrideIn"]["properties"]) != set(
        schema["PolicyOverrideIn"]["properties"])


ERROR_ANSWER = {"code": "invalid", "message": "The input is not valid.",
                "errors": [{"field": "kind", "reason": "invalid", "message": "…"}]}


def _documented(document, path, method, status):
    """A validator for the documented answer, its references resolved in the document."""
    schema = document["paths"][path][method]["responses"][str(status)]
    schema = schema["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for({**schema, "components": document["components"]})


def test_it_documents_the_error_answer_for_every_422(client):
    document = client.get("/api/v1/openapi.json").json()
    documented = [(path, method) for path, item in document["paths"].items()
                  for method, operation in item.items() if "422" in operation["responses"]]
    assert len(documented) >= 4  # the imports: rosters, lab results (list and file), risk areas
    for path, method in documented:
        assert _documented(document, path, method, 422).is_valid(ERROR_ANSWER), (path, method)


def test_it_answers_an_import_refused_as_documented(world, client):
    from apps.access.services import api_token_create

    _token, raw = api_token_create(user=world.users["school_a_admin"], name="t", permissions=None)
    school = world.schools["a"]
    document = client.get("/api/v1/openapi.json").json()
    bad_id = client.post(f"/api/v1/rosters/{2**63}/import",
                         {"file": SimpleUploadedFile("r.csv", "姓名\n张三\n".encode())},
                         HTTP_AUTHORIZATION=f"Bearer {raw}")
    bad_rows = client.post(f"/api/v1/testing/{school.id}/results",
                           {"results": [{"tube": "nope", "result": "maybe"}]},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    for response, path in ((bad_id, "/api/v1/rosters/{school_id}/import"),
                           (bad_rows, "/api/v1/testing/{school_id}/results")):
        assert response.status_code == 422, response.content
        _documented(document, path, "post", 422).validate(response.json())
