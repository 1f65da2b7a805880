"""flask-smorest adapted to this API: problem+json errors, multipart bodies, bearer auth."""

from __future__ import annotations

import http

import flask_smorest
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from web.api.schemas import ProblemSchema

PROBLEM_JSON = "application/problem+json"


class ApiParser(FlaskParser):
    """webargs parser with a ``multipart`` location: form fields and files in one schema."""

    DEFAULT_VALIDATION_STATUS = 422


parser = ApiParser()


@parser.location_loader("multipart")
def load_multipart(request, schema):
    """Form fields and files together; empty form fields count as absent (HTML forms)."""
    combined = MultiDict()
    for key, value in request.form.items(multi=True):
        if value != "":
            combined.add(key, value)
    for key, value in request.files.items(multi=True):
        combined.add(key, value)
    return parser._makeproxy(combined, schema)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = parser
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }


class Api(flask_smorest.Api):
    """The smorest Api, minus its own error handler: web.errors answers problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        # flask-smorest would replace web.errors' HTTPException handler with one that answers
        # {code, status, message}; keep the app's RFC 9457 handler instead.
        return None

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_JSON)
            else:
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Probleem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)
