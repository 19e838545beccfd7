"""``/docs`` (Swagger UI) from files installed with the project, not a CDN.

FastAPI's default pages load their JavaScript from a CDN, so they are blank without internet.
The ``fastapi-offline`` package ships the Swagger UI bundle; only its files are used here,
served under ``/docs/assets``, with FastAPI's own page template pointing at them.
There is no ``/redoc``: ReDoc's bundle still loads its logo from the vendor's CDN.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
# No validator badge: it would send the document to an outside service.
SWAGGER_PARAMETERS = {"validatorUrl": None}


def install(app: FastAPI) -> None:
    """Add ``/docs`` and its assets to ``app`` (built with ``docs_url=None``)."""
    assert app.openapi_url is not None
    openapi_url = app.openapi_url
    title = app.title
    app.mount(ASSETS, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - API reference",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )
