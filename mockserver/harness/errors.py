"""The one error-body shape of the kit's own JSON APIs (``/_mock`` and the fake Gladly's ``/api``).

``{"error": "<what was wrong>", "field": "<where, or empty>", ...extra}``. The fake platforms keep
their real platforms' shapes, and the reference adapter answers in the shape Gladly documents.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

__all__ = ["ApiError", "error_body", "error_response"]


def error_body(message: str, field: str = "", **extra: Any) -> dict[str, Any]:
    return {"error": message, "field": field, **extra}


def error_response(status: int, message: str, field: str = "", **extra: Any) -> web.Response:
    return web.json_response(error_body(message, field, **extra), status=status)


class ApiError(web.HTTPException):
    """Raise from a handler to answer ``status`` with the kit's error body."""

    def __init__(self, status: int, message: str, field: str = "", **extra: Any) -> None:
        self.status_code = status
        super().__init__(
            text=json.dumps(error_body(message, field, **extra)), content_type="application/json"
        )
        self.message, self.field, self.extra = message, field, extra
