"""Holds every response the end-to-end suite receives to the OpenAPI document."""

import json
import os
import re
import urllib.parse

import jsonschema

DOCUMENT_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "src", "entrypoints", "http",
                             "openapi.json")


class OpenApiValidation:
    def __init__(self):
        with open(DOCUMENT_PATH) as f:
            # References name the document, so that any part of it can be validated alone.
            self.document = json.loads(f.read().replace('"$ref": "#/', '"$ref": "urn:openapi#/'))
        self.resolver = jsonschema.RefResolver("urn:openapi", self.document)
        self.routes = [(re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$"), path)
                       for path in self.document["paths"]]
        self.problems = []

    def resolve(self, node):
        while "$ref" in node:
            node = self.resolver.resolve(node["$ref"])[1]
        return node

    def check(self, response):
        """Notes how `response` differs from the document, for a route the document has."""
        request = response.request
        path = urllib.parse.urlsplit(request.url).path
        route = next((template for pattern, template in self.routes if pattern.match(path)), None)
        method = request.method.lower()
        if route is None or (method == "head" and "get" not in self.document["paths"][route]):
            return
        operation = self.document["paths"][route].get("get" if method == "head" else method)
        if operation is None:
            return  # a method the route does not take: the 405 is the table's, not the route's
        where = f"{request.method} {path} -> {response.status_code}"
        documented = operation["responses"].get(str(response.status_code))
        if documented is None:
            self.problems.append(f"{where}: status not in the document")
            return
        documented = self.resolve(documented)
        if method == "head" or "content" not in documented:
            return
        content_type = response.headers.get("Content-Type", "").split(";")[0]
        media = documented["content"].get(content_type)
        if media is None:
            self.problems.append(f"{where}: content type {content_type} not in the document")
            return
        if content_type != "application/json":
            return
        validator = jsonschema.Draft202012Validator(media["schema"], resolver=self.resolver)
        try:
            body = response.json()
        except ValueError:
            self.problems.append(f"{where}: not JSON")
            return
        for error in validator.iter_errors(body):
            self.problems.append(f"{where}: {error.message} at {list(error.absolute_path)}")
