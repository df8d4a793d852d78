"""What every API input schema builds on: strict models and text that can be stored."""

from __future__ import annotations

import json
from typing import Annotated, Any

from django.http import HttpRequest
from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic import ValidationError as PydanticError


def refuse_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters, and the web forms refuse them too.
    if "\x00" in value:
        raise ValueError("Null characters are not allowed.")
    return value


Text = Annotated[str, AfterValidator(refuse_nul)]


class Strict(BaseModel):
    """No type coercion and no unknown fields: a typo in a field name is a 422, not lost."""

    model_config = ConfigDict(strict=True, extra="forbid")


def read_body[S: BaseModel](request: HttpRequest, schema: type[S]) -> S:
    """The JSON body as ``schema``, for endpoints that read it only after the id in the
    path was found: someone else's id then answers 404 whatever is sent, so a reply never
    depends on what is there. Errors name the field as ninja's own do
    (``["body", "payload", field]``); text that can't be stored is refused like the
    API's parser refuses it."""
    from ninja.errors import ValidationError

    from alongside.lib.text import unstorable_place

    def error(loc: list[Any], msg: str, kind: str) -> ValidationError:
        return ValidationError([{"loc": loc, "msg": msg, "type": kind}])

    try:
        data = json.loads(request.body or b"{}")
    except json.JSONDecodeError:
        raise error(["body"], "The request body is not valid JSON.", "json_invalid") from None
    place = unstorable_place(data, ["body", "payload"])
    if place is not None:
        raise error(
            place,
            "This text has a character that can't be stored (a lone surrogate).",
            "string_unstorable",
        )
    try:
        return schema.model_validate(data)
    except PydanticError as problem:
        raise ValidationError(
            [
                {"loc": ["body", "payload", *e["loc"]], "msg": e["msg"], "type": e["type"]}
                for e in problem.errors()
            ]
        ) from None


def documented(schema: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` for an endpoint whose body ``read_body`` reads: OpenAPI is told
    its shape here, since ninja does not see it."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }
