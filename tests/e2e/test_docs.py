"""`GET /docs`: the OpenAPI document rendered by the binary's own Redoc, in headless Chromium."""

import re
import subprocess

import requests

# Each operation Redoc renders: its method's badge, then its path.
OPERATION = re.compile(r'http-verb (\w+)">\w+</span><span[^>]*>([^<]+)</span>')


def rendered(url, profile):
    """The page's DOM once Chromium has run its scripts."""
    result = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={profile}", "--virtual-time-budget=30000", "--dump-dom", url],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_reference_page_shows_every_route_of_the_document(server_factory, tmp_path):
    server = server_factory().start()
    document = requests.get(f"{server.url}/openapi.json").json()
    routes = {(method, path) for path, operations in document["paths"].items()
              for method in operations}
    dom = rendered(f"{server.url}/docs", tmp_path / "profile")
    assert set(OPERATION.findall(dom)) == routes
    assert "Allocation Service" in dom


def test_the_page_loads_nothing_from_elsewhere(server_factory):
    server = server_factory().start()
    page = requests.get(f"{server.url}/docs")
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert re.findall(r'src="([^"]+)"', page.text) == ["/docs/redoc.standalone.js"]
    assert "http" not in page.text.lower().replace("http-equiv", "")
    script = requests.get(f"{server.url}/docs/redoc.standalone.js")
    assert script.status_code == 200
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert script.text.startswith("/*! For license information")
    assert script.headers["ETag"].startswith('"') and len(script.headers["ETag"]) == 66
