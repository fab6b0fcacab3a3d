"""The OpenAPI schema's error answers, documented on every operation (API.md's contract).

A module of its own: DRF reads its settings' classes while ``rest_framework.views`` and
``rest_framework.generics`` are being imported, and drf-spectacular imports both.
"""

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail"],
}
# {"field": ["message", ...]} or {"detail": "message"}; nested bodies give nested errors and
# a list body a list with one such object per row.
VALIDATION_ERROR_SCHEMA = {
    "anyOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {}},
    ],
    "description": '{"field": ["message", ...]} or {"detail": "message"}; a list body is '
    "answered with one such object per row.",
}
ERRORS = {
    "400": ("ValidationError", VALIDATION_ERROR_SCHEMA, "Bad input: what is wrong, by field."),
    "401": ("Error", ERROR_SCHEMA, "No credentials, or wrong ones."),
    "403": ("Error", ERROR_SCHEMA, "Signed in, but without the right to do this."),
    "404": ("Error", ERROR_SCHEMA, "Not found, or not visible to the caller."),
    "409": ("Error", ERROR_SCHEMA, "The current state forbids it (for example: closed)."),
    "415": ("Error", ERROR_SCHEMA, "The body is not in a format this operation reads."),
    "429": ("Error", ERROR_SCHEMA, "Too many requests; try again later."),
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
JSON = "application/json"


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the error answers every operation can give documented
    beside those its view declares: 400 for bad input, 401 and 403 where credentials are
    needed, 404, 409 for writes, 415 where a body is read and 429 where a throttle applies.

    A code the view declares keeps its own body, but may also carry the generic one
    (``anyOf``): a 400 from the parser (nesting, a NUL) or a 404 for a path that matches no
    route looks the same on every operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            name, schema, description = ERRORS[code]
            component = ResolvedComponent(
                name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
            )
            self.registry.register_on_missing(component)
            declared = responses.get(code)
            if declared is None:
                responses[code] = {
                    "content": {JSON: {"schema": component.ref}},
                    "description": description,
                }
                continue
            content = declared.setdefault("content", {})
            own = content.get(JSON, {}).get("schema")
            content[JSON] = {
                "schema": component.ref if own is None else {"anyOf": [own, component.ref]}
            }
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["400"]
        security = self.get_auth()
        if security and {} not in security:  # none, or {} among them: anonymous callers too
            codes += ["401", "403"]
        codes.append("404")
        if self.method in WRITE_METHODS:
            codes.append("409")
        if self.method in {"POST", "PUT", "PATCH"}:
            codes.append("415")
        if self.view.get_throttles():
            codes.append("429")
        return codes
