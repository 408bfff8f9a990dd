"""Errors as RFC 9457 problem+json, carrying the library's located problems.

Owns the mapping from exceptions to HTTP problems, the JSON shape of a problem
(``type``, ``title``, ``status``, ``detail``, ``instance``, and the extension members
``problems`` and ``suggestion``), and the request-size guard that answers 413 before a
body is read past its limit.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ..errors import (
    GovitRulesError,
    PackError,
    PackNotFoundError,
    Problem,
    ProjectValidationError,
    UnknownJurisdictionError,
)
from ._input import BodyError

__all__ = [
    "MEDIA_TYPE",
    "ApiProblem",
    "BodyLimit",
    "problem_body",
    "problem_dict",
    "problem_of",
]

MEDIA_TYPE = "application/problem+json"
_TYPE = "urn:govit-rules:problem:"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ApiProblem(Exception):
    """A problem to answer with: raised by routes, rendered by the app's handler."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str,
        problems: list[Problem] | tuple[Problem, ...] = (),
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.problems = tuple(problems)
        self.extra = extra


def problem_dict(p: Problem) -> dict[str, Any]:
    return {
        "path": p.path,
        "line": p.line,
        "col": p.col,
        "code": p.code,
        "message": p.message,
        "text": str(p),
    }


def problem_body(exc: ApiProblem, instance: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": _TYPE + exc.kind,
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        "instance": instance,
    }
    if exc.problems:
        body["problems"] = [problem_dict(p) for p in exc.problems]
    body.update(exc.extra)
    return body


def problem_of(exc: BaseException, suggest: Callable[[str], str | None]) -> ApiProblem:
    """The HTTP problem for a library error (``suggest`` proposes a jurisdiction id)."""
    if isinstance(exc, ApiProblem):
        return exc
    if isinstance(exc, ProjectValidationError):
        return ApiProblem(
            422, "invalid-project", "The project is invalid", exc.summary, exc.problems
        )
    if isinstance(exc, BodyError):
        return ApiProblem(
            400, "bad-body", "The request body cannot be read", exc.summary, exc.problems
        )
    if isinstance(exc, UnknownJurisdictionError):
        return ApiProblem(404, "unknown-jurisdiction", "No such jurisdiction", str(exc))
    if isinstance(exc, PackNotFoundError):
        return ApiProblem(503, "pack-unavailable", "The pack is not loaded", str(exc))
    if isinstance(exc, PackError):
        return ApiProblem(503, "pack-error", "The pack does not load", exc.summary, exc.problems)
    if isinstance(exc, GovitRulesError):
        return ApiProblem(
            422, "unprocessable", "The request cannot be processed", str(exc).splitlines()[0]
        )
    return ApiProblem(
        500,
        "internal",
        "Internal error",
        f"{type(exc).__name__}: the service hit a bug; please report it",
    )


class BodyLimit:
    """ASGI middleware: refuse bodies over a limit (413) by length header or as they stream.

    ``limits`` maps a path suffix to its own limit (the batch endpoint takes more).
    """

    def __init__(self, app: ASGIApp, default: int, limits: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.limits = limits

    def limit_for(self, path: str) -> int:
        for suffix, n in self.limits.items():
            if path.endswith(suffix):
                return n
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = False
                if too_big:
                    await self._refuse(scope, send, limit)
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, limit: int) -> None:
        exc = ApiProblem(
            413,
            "too-large",
            "The request body is too large",
            f"this endpoint takes at most {limit} bytes",
        )
        body = json.dumps(problem_body(exc, scope.get("path", "")), ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass
