"""Docs and structure that cannot drift: error codes, settings, routes, import layers."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

from tohyo.config import Settings, env_name
from tohyo.errors import http_errors
from tohyo.web import openapi
from tohyo.web.api import ROUTES

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "tohyo"


def test_every_error_code_is_documented() -> None:
    api_doc = (ROOT / "docs" / "api.md").read_text()
    for cls in http_errors():
        assert f"| {cls.status} | `{cls.code}` |" in api_doc, cls.code


def test_every_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    for f in fields(Settings):
        assert f"`{env_name(f.name)}`" in readme, f.name


def test_readme_starts_with_the_two_commands() -> None:
    blocks = (ROOT / "README.md").read_text().split("```")
    assert "tohyo serve" in blocks[1] and "scripts/test" in blocks[3]
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_openapi_covers_every_route() -> None:
    paths = openapi.document()["paths"]
    for action, methods in ROUTES.items():
        path = "/api/vote/{sessionId}" + (f"/{action}" if action else "")
        assert set(paths[path]) - {"parameters"} == {m.lower() for m in methods}, path
    assert "post" in paths["/api/vote"] and "get" in paths["/healthz"]


# Each layer may import only the layers listed for it (and itself).
LAYERS = {
    "errors": set(),
    "palette": set(),
    "metrics": set(),
    "domain": {"errors"},
    "config": {"errors"},
    "storage": {"errors", "domain", "storage", "metrics"},
    "feed": {"errors", "domain", "metrics"},
    "objects": {
        *("errors", "domain", "storage", "feed", "event_objects", "quiz_objects"),
        "qa_objects",
    },
    "quiz_objects": {"errors", "domain", "storage"},
    "qa_objects": {"errors", "domain", "storage", "feed"},
    "event_objects": {"errors", "domain", "storage", "feed", "event_presence"},
    "event_presence": {"errors", "domain", "storage", "feed"},
    "export": {"errors", "domain"},
    "event_export": {"errors", "domain", "export"},
    "charts": {"errors", "domain", "palette"},
    "web": {
        *("errors", "domain", "config", "storage", "feed", "objects", "export", "charts"),
        *("palette", "metrics", "web", "event_objects", "event_export"),
    },
    "companion": {"palette"},
    "cli": {
        *("errors", "domain", "config", "storage", "feed", "objects", "export", "web"),
        "companion",
    },
}


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def test_imports_flow_one_way() -> None:
    for path in PACKAGE.rglob("*.py"):
        layer = _layer(path)
        if layer in {"__init__", "__main__"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module == "tohyo":
                names = [f"tohyo.{a.name}" for a in node.names]  # from tohyo import domain
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.startswith("tohyo."):
                    target = name.split(".")[1]
                    assert target in LAYERS[layer] | {layer}, f"{path}: {layer} imports {target}"
