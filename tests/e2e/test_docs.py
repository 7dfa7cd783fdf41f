"""/docs works without internet: the page references only the service's own files, and the
service serves them."""

from __future__ import annotations

import re

import httpx

from tests.e2e.support import Api

REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*["']([^"']+)["']""")


def test_the_docs_page_references_only_files_of_the_service_itself(api: Api):
    with httpx.Client(base_url=api.url) as anonymous:  # no token needed
        page = anonymous.get("/docs")
    assert page.status_code == 200
    references = [a or b for a, b in REFERENCE.findall(page.text)]
    assert len(references) >= 4  # the script, the style sheet, the icon, the document
    assert all(ref.startswith("/") and not ref.startswith("//") for ref in references)
    assert "http://" not in page.text and "https://" not in page.text
    assert '"validatorUrl": null' in page.text  # no badge fetched from swagger.io


def test_serves_every_file_the_docs_page_references(api: Api):
    page = api.client.get("/docs").text
    references = [a or b for a, b in REFERENCE.findall(page)]
    served = {ref: api.client.get(ref) for ref in references}
    assert all(response.status_code == 200 for response in served.values()), served
    types = {ref: response.headers["Content-Type"] for ref, response in served.items()}
    script = next(ref for ref in references if ref.endswith(".js"))
    style = next(ref for ref in references if ref.endswith(".css"))
    assert types[script].startswith("text/javascript")
    assert "SwaggerUIBundle" in served[script].text
    assert types[style].startswith("text/css") and ".swagger-ui" in served[style].text
    assert served["/openapi.json"].json()["info"]["title"] == "Customer profile service"


def test_only_the_docs_own_files_are_served_there(api: Api):
    for name in ("redoc.standalone.js", "..%2F__init__.py", "swagger-ui.css.map"):
        response = api.client.get(f"/docs/assets/{name}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
