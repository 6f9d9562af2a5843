"""Every operation of the API declares its permission and scope (api/declare.py), the
schema says so, and the docs page is the portal's own: its assets are served from the
portal's static files, nothing from elsewhere."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from api.auth import TokenAuth
from api.declare import Access, declared
from api.scopes import SCOPES, used_scopes
from api.v1 import api


def operations():
    """(method, path, ninja Operation) of every operation of the API."""
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, f"{bound.prefix}{path}", operation


def served_schema():
    """The schema as /api/v1/openapi.json serves it: JSON, the lazy translations of its
    texts written out (schemathesis takes no lazy strings)."""
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"),
                                 cls=DjangoJSONEncoder))


def test_every_operation_declares_its_scope_and_permission():
    found = list(operations())
    assert len(found) >= 12
    registry = declared()
    for method, path, operation in found:
        view = operation.view_func
        access_rule = getattr(view, "api_access", None)
        assert isinstance(access_rule, Access), f"{method} {path}: use api.declare.operation"
        assert registry[f"{view.__module__}.{view.__qualname__}"] == access_rule
        assert access_rule.permission.strip(), f"{method} {path}: name its permission"
        assert access_rule.scope is None or access_rule.scope in SCOPES, (method, path)
        # Authenticated by the bearer token, asking for the scope it declares.
        auths = operation.auth_callbacks
        assert auths and all(isinstance(auth, TokenAuth) for auth in auths), (method, path)
        assert {auth.scope for auth in auths} == {access_rule.scope}, (method, path)


def test_the_schema_states_each_operations_scope_and_permission():
    paths = served_schema()["paths"]
    count = 0
    for path, methods in paths.items():
        for method, details in methods.items():
            count += 1
            assert details.get("x-scope"), f"{method} {path}"
            assert details.get("x-permission"), f"{method} {path}"
            assert details["security"] == [{"TokenAuth": []}], f"{method} {path}"
            # The docs page says both to its reader, in the reader's language.
            assert f"`{details['x-scope']}`" in details["description"], f"{method} {path}"
            assert details["x-permission"] in details["description"], f"{method} {path}"
            for status in ("401", "403", "422", "429"):
                assert int(status) in details["responses"] or status in details["responses"]
    assert count == len(list(operations()))
    assert served_schema()["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http", "scheme": "bearer"}


def test_every_scope_offered_is_used_but_mail_waits_for_its_endpoints():
    # mail:read is offered once the mail's operations declare it (api/v1.py).
    assert used_scopes() <= set(SCOPES)
    assert set(SCOPES) - used_scopes() <= {"mail:read"}


@pytest.mark.django_db
def test_the_schema_and_the_docs_page_are_served_from_the_portal():
    client = Client()
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"].keys() == served_schema()["paths"].keys()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in asset for asset in assets)
    for asset in assets:
        # Nothing from another host: every asset is the portal's own static file.
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "cdn" not in html.lower()
    # Under the portal's Content Security Policy, without inline scripts.
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", html)
