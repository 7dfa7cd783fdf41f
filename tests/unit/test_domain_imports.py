"""The design card's rule for the domain: the standard library, eventsourcing.domain, pydantic
and the field-validation libraries, nothing else (import-linter forbids the infrastructure)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
FIELD_LIBRARIES = {"email_validator", "phonenumbers", "pycountry", "stdnum", "zxcvbn_rs_py"}
ALLOWED = {"domain", "pydantic", "eventsourcing.domain", *FIELD_LIBRARIES}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def allowed(module: str) -> bool:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return True
    return any(module == name or module.startswith(name + ".") for name in ALLOWED)


def test_the_domain_imports_only_what_the_design_card_allows() -> None:
    modules = sorted(DOMAIN.rglob("*.py"))
    assert len(modules) > 10
    strays = {
        f"{path.relative_to(DOMAIN)}: {module}"
        for path in modules
        for module in imported_modules(path)
        if not allowed(module)
    }
    assert not strays, strays


def test_the_allow_list_check_refuses_what_the_card_does_not_name() -> None:
    assert allowed("datetime") and allowed("stdnum.eu.vat") and allowed("eventsourcing.domain")
    assert not allowed("eventsourcing.persistence") and not allowed("psycopg")
    assert not allowed("structlog") and not allowed("fastapi.routing")
