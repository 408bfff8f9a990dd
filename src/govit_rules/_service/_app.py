"""The HTTP application: routes under ``/v1``, problem+json errors, the workbench at ``/``.

Owns :func:`create_app`. Every route reads packs from one :class:`ServicePacks` (loaded
once per worker, swapped on change with ``reload_packs``) and answers with the library's
own JSON (``Verdict.to_json()``); nothing is written to disk and packs are only read.
Bodies are parsed here, not by FastAPI's models, so that money stays an exact decimal;
the OpenAPI document still describes them.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__, evaluate, project_schema
from .._packs.registry import shipped_packs_dir
from .._vocab.project import Project
from .._vocab.suggest import suggest, suggestion
from .._vocab.verdict import Verdict
from ..errors import Problem
from . import _views
from ._input import BodyError, parse_json, project_from
from ._packs import ServicePacks
from ._problems import MEDIA_TYPE, ApiProblem, BodyLimit, problem_body, problem_of

__all__ = ["Limits", "create_app"]

STATIC = Path(str(resources.files("govit_rules") / "_service" / "static"))


class Limits:
    """The documented bounds of the service (see docs/service.md)."""

    body_bytes = 1 << 20  # 1 MiB for one project
    batch_bytes = 8 << 20  # 8 MiB of NDJSON
    batch_lines = 1000
    compare_jurisdictions = 50
    calendar_days = 400


_EVAL_KEYS = ("project", "project_text", "as_of")


def _json(data: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False, default=str),
        status_code=status,
        media_type="application/json",
    )


def _problem_response(exc: ApiProblem, request: Request) -> Response:
    body = problem_body(exc, request.url.path)
    return Response(
        json.dumps(body, ensure_ascii=False, default=str),
        status_code=exc.status,
        media_type=MEDIA_TYPE,
    )


def _as_of(value: Any, where: str = "as_of") -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BodyError(
        "as_of is not a date",
        [Problem(where, 0, 0, "bad-value", f"{str(value)[:40]!r} is not a date; write YYYY-MM-DD")],
    )


def _object(data: Any, allowed: tuple[str, ...], where: str = "body") -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BodyError(
            "the body is a JSON object",
            [Problem(where, 0, 0, "bad-body", f"send a JSON object with {', '.join(allowed)}")],
        )
    problems = []
    for key in data:
        if key not in allowed:
            hint = suggest(str(key), allowed)
            problems.append(
                Problem(f"{where}.{key}", 0, 0, "unknown-key", f"no key {key!r} here{hint}")
            )
    if problems:
        raise BodyError("the body has unknown keys", problems)
    return data


async def _read(request: Request, limit: int) -> bytes:
    """The whole body, refusing more than ``limit`` bytes however it is sent."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiProblem(
                413,
                "too-large",
                "The request body is too large",
                f"this endpoint takes at most {limit} bytes",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _ref_components(schema: dict[str, Any]) -> dict[str, Any]:
    """The project schema's ``$defs`` as OpenAPI components (refs rewritten)."""
    text = json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/')
    out: dict[str, Any] = json.loads(text)
    return out


def _body(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {media: {"schema": schema}}}}


_PROJECT_REF = {"$ref": "#/components/schemas/Project"}
_EVAL_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "project": _PROJECT_REF,
        "project_text": {"type": "string", "description": "A project as YAML or JSON text."},
        "as_of": {"type": "string", "format": "date"},
    },
}
_COMPARE_SCHEMA = {
    **_EVAL_SCHEMA,
    "properties": {
        **_EVAL_SCHEMA["properties"],  # type: ignore[dict-item]
        "jurisdictions": {"type": "array", "items": {"type": "string"}},
    },
}
_PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": why, "content": {MEDIA_TYPE: {"schema": {"type": "object"}}}}
    for code, why in (
        (400, "The body cannot be read"),
        (404, "No such jurisdiction or rule"),
        (413, "The body is too large"),
        (422, "The project or a parameter is invalid"),
    )
}


def create_app(
    packs: list[Path] | None = None,
    *,
    reload_packs: bool = False,
    poll_seconds: float = 1.0,
    cors_origins: list[str] | None = None,
) -> FastAPI:
    """The service over the pack folders ``packs`` (the shipped packs by default)."""
    store = ServicePacks(list(packs) if packs else [shipped_packs_dir()])

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        watcher = None
        if reload_packs:
            watcher = threading.Thread(
                target=_watch,
                args=(store, stop, poll_seconds),
                daemon=True,
                name="govit-rules-pack-watcher",
            )
            watcher.start()
        yield
        stop.set()
        if watcher is not None:
            watcher.join(timeout=5)

    app = FastAPI(
        title="govit-rules",
        version=__version__,
        description=(
            "Check government IT projects against Chinese regulations encoded as rule packs; "
            "every finding cites its article. Errors are RFC 9457 problem+json."
        ),
        lifespan=lifespan,
    )
    app.state.packs = store
    app.add_middleware(
        BodyLimit,
        default=Limits.body_bytes,
        limits={"/evaluate-batch": Limits.batch_bytes},
    )
    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["content-type"],
        )
    _handlers(app, store)
    _routes(app, store)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema = _ref_components(project_schema())
            comps = doc.setdefault("components", {}).setdefault("schemas", {})
            comps.update(schema.pop("$defs", {}))
            comps["Project"] = schema
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _watch(store: ServicePacks, stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        try:
            store.reload()
        except Exception:  # pragma: no cover - a watcher must outlive one bad poll
            continue


def _handlers(app: FastAPI, store: ServicePacks) -> None:
    async def on_problem(request: Request, exc: Exception) -> Response:
        return _problem_response(problem_of(exc, store.suggestion), request)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = [
            Problem(".".join(str(x) for x in e["loc"]), 0, 0, "bad-parameter", str(e["msg"]))
            for e in exc.errors()
        ]
        return _problem_response(
            ApiProblem(
                422,
                "bad-parameter",
                "A parameter is invalid",
                f"{len(problems)} parameter problem(s)",
                problems,
            ),
            request,
        )

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return _problem_response(
            ApiProblem(
                exc.status_code, f"http-{exc.status_code}", str(exc.detail), str(exc.detail)
            ),
            request,
        )

    from ..errors import GovitRulesError

    for kind in (ApiProblem, BodyError, GovitRulesError, Exception):
        app.add_exception_handler(kind, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)


def _need(store: ServicePacks, jurisdiction: str) -> str:
    """``jurisdiction`` if some pack folder serves it; else a 404 naming the closest id."""
    known = store.jurisdictions()
    if jurisdiction not in known:
        hint = store.suggestion(jurisdiction)
        raise ApiProblem(
            404,
            "unknown-jurisdiction",
            "No such jurisdiction",
            store.unknown_message(jurisdiction),
            suggestion=hint,
            available=known,
        )
    return jurisdiction


def _verdict_text(v: Verdict, detail: str) -> Response:
    if detail == "compact":
        return _json(_views.compact(v))
    return Response(v.to_json(), media_type="application/json")


def _routes(app: FastAPI, store: ServicePacks) -> None:
    as_of_q = Query(None, description="The date to judge at (default: today).")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def workbench() -> Response:
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))

    @app.get("/healthz", tags=["service"])
    async def healthz() -> Response:
        states = store.states()
        return _json(
            {
                "status": "ok",
                "version": __version__,
                "packs": sum(1 for s in states if s.pack is not None),
                "packs_with_problems": sorted(s.pack_id for s in states if s.problems),
            }
        )

    @app.get("/v1/jurisdictions", tags=["packs"])
    async def list_jurisdictions() -> Response:
        out = []
        for j in store.jurisdictions():
            versions = store.versions(j)
            if versions:
                out.append(_views.jurisdiction_view(versions))
            else:
                out.append({"id": j, "versions": [], "problems": True})
        return _json({"jurisdictions": out})

    @app.get("/v1/packs/{jurisdiction}", tags=["packs"], responses=_PROBLEM_RESPONSES)
    async def pack(jurisdiction: str, as_of: date | None = as_of_q) -> Response:
        return _json(_views.pack_view(store.get(_need(store, jurisdiction), as_of)))

    @app.get("/v1/packs/{jurisdiction}/problems", tags=["packs"], responses=_PROBLEM_RESPONSES)
    async def pack_problems(jurisdiction: str) -> Response:
        from ._problems import problem_dict

        return _json(
            {
                "jurisdiction": jurisdiction,
                "folders": [
                    {
                        "folder": s.folder.name,
                        "serving": (
                            {"version": s.pack.version, "content_hash": s.pack.content_hash}
                            if s.pack is not None
                            else None
                        ),
                        "reloads": s.reloads,
                        "problems": [problem_dict(p) for p in s.problems],
                    }
                    for s in store.states_of(_need(store, jurisdiction))
                ],
            }
        )

    @app.get(
        "/v1/packs/{jurisdiction}/rules/{rule_id}", tags=["packs"], responses=_PROBLEM_RESPONSES
    )
    async def rule(jurisdiction: str, rule_id: str, as_of: date | None = as_of_q) -> Response:
        compiled = store.get(_need(store, jurisdiction), as_of)
        view = _views.rule_view(compiled, rule_id)
        if view is None:
            close = suggestion(rule_id, [r.id for r in compiled.rules])
            hint = f"; did you mean {close!r}?" if close else ""
            raise ApiProblem(
                404,
                "unknown-rule",
                "No such rule",
                f"pack {compiled.id!r} has no rule {rule_id!r}{hint}",
                suggestion=close,
            )
        return _json(view)

    @app.post(
        "/v1/packs/{jurisdiction}/evaluate",
        tags=["evaluate"],
        openapi_extra=_body(_EVAL_SCHEMA),
        responses=_PROBLEM_RESPONSES,
    )
    async def evaluate_one(
        jurisdiction: str,
        request: Request,
        detail: str = Query(
            "full",
            pattern="^(full|compact)$",
            description="full: Verdict.to_json(); compact: without the "
            "findings and deadlines that do not apply.",
        ),
    ) -> Response:
        _need(store, jurisdiction)
        data = _object(parse_json(await _read(request, Limits.body_bytes)), _EVAL_KEYS)
        on = _as_of(data.get("as_of"))
        project = project_from(data.get("project"), data.get("project_text"))
        compiled = store.get(jurisdiction, on)
        return _verdict_text(evaluate(project, pack=compiled, as_of=on), detail)

    @app.post(
        "/v1/packs/{jurisdiction}/evaluate-batch",
        tags=["evaluate"],
        openapi_extra=_body({"type": "string"}, "application/x-ndjson"),
        responses=_PROBLEM_RESPONSES,
    )
    async def evaluate_batch(jurisdiction: str, request: Request) -> Response:
        _need(store, jurisdiction)  # an unknown jurisdiction is a 404 before any line
        raw = await _read(request, Limits.batch_bytes)
        lines = [ln for ln in raw.split(b"\n") if ln.strip()]
        if len(lines) > Limits.batch_lines:
            raise ApiProblem(
                413,
                "batch-too-long",
                "The batch is too long",
                f"a batch holds at most {Limits.batch_lines} lines, this one {len(lines)}",
            )
        return StreamingResponse(
            _batch(store, jurisdiction, lines), media_type="application/x-ndjson"
        )

    @app.post(
        "/v1/compare",
        tags=["evaluate"],
        openapi_extra=_body(_COMPARE_SCHEMA),
        responses=_PROBLEM_RESPONSES,
    )
    async def compare(request: Request) -> Response:
        data = _object(
            parse_json(await _read(request, Limits.body_bytes)), (*_EVAL_KEYS, "jurisdictions")
        )
        on = _as_of(data.get("as_of"))
        project = project_from(data.get("project"), data.get("project_text"))
        wanted = data.get("jurisdictions") or store.jurisdictions()
        if not isinstance(wanted, list) or not all(isinstance(j, str) for j in wanted):
            raise BodyError(
                "jurisdictions is a list of ids",
                [Problem("body.jurisdictions", 0, 0, "bad-value", "give a list of ids")],
            )
        if len(wanted) > Limits.compare_jurisdictions:
            raise BodyError(
                "too many jurisdictions",
                [
                    Problem(
                        "body.jurisdictions",
                        0,
                        0,
                        "bad-value",
                        f"at most {Limits.compare_jurisdictions}",
                    )
                ],
            )
        for j in wanted:
            _need(store, j)

        def one(j: str) -> dict[str, Any]:
            return _views.compare_row(
                j, lambda: store.get(j, on), lambda p: evaluate(project, pack=p, as_of=on)
            )

        return _json({"as_of": (on or date.today()).isoformat(), "rows": [one(j) for j in wanted]})

    @app.get("/v1/schema/project", tags=["schema"], responses=_PROBLEM_RESPONSES)
    async def schema(
        jurisdiction: str | None = Query(None, description="Mark the facts this pack reads."),
        as_of: date | None = as_of_q,
    ) -> Response:
        compiled = store.get(_need(store, jurisdiction), as_of) if jurisdiction else None
        schema = project_schema(pack=compiled) if compiled is not None else project_schema()
        return _json(_views.schema_view(schema))

    @app.get("/v1/calendar", tags=["schema"], responses=_PROBLEM_RESPONSES)
    async def calendar(
        jurisdiction: str,
        start: Annotated[date, Query(description="First day, YYYY-MM-DD.")],
        end: Annotated[date, Query(description="Last day, YYYY-MM-DD.")],
    ) -> Response:
        if end < start or end - start > timedelta(days=Limits.calendar_days):
            raise ApiProblem(
                422,
                "bad-range",
                "The range is not usable",
                f"end must follow start, at most {Limits.calendar_days} days later",
            )
        compiled = store.get(_need(store, jurisdiction), start)
        return _json(
            {"calendar": compiled.calendar.name, "days": _views.calendar_days(compiled, start, end)}
        )


def _batch(store: ServicePacks, jurisdiction: str, lines: list[bytes]) -> Iterator[str]:
    """One NDJSON answer line per input line: a verdict, or the problem of that line."""
    for n, raw in enumerate(lines, start=1):
        where = f"line {n}"
        item: dict[str, Any] = {"line": n}
        try:
            data = _object(parse_json(raw, where), (*_EVAL_KEYS, "id"), where)
            item["id"] = data.get("id")
            on = _as_of(data.get("as_of"), f"{where}.as_of")
            project: Project = project_from(data.get("project"), data.get("project_text"))
            v = evaluate(project, pack=store.get(jurisdiction, on), as_of=on)
        except Exception as exc:
            item["problem"] = problem_body(problem_of(exc, store.suggestion), where)
            yield json.dumps(item, ensure_ascii=False, default=str) + "\n"
            continue
        # The verdict is spliced in as Verdict.to_json() wrote it, byte for byte.
        head = json.dumps(item, ensure_ascii=False, default=str)
        yield head[:-1] + ', "verdict": ' + v.to_json() + "}\n"
