"""The HTTP API's behaviour, through FastAPI's test client (no network)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govit_rules import evaluate, get_pack, project_schema

from .conftest import AS_OF, README_PROJECT

PROBLEM = "application/problem+json"


def _eval(client: TestClient, body: Any, j: str = "dazhou", **params: str) -> Any:
    return client.post(f"/v1/packs/{j}/evaluate", json=body, params=params)


def test_healthz_reports_every_shipped_pack_loaded(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["packs"] == 5 and r.json()["packs_with_problems"] == []


def test_jurisdictions_lists_the_shipped_packs_with_version_and_hash(client: TestClient) -> None:
    got = client.get("/v1/jurisdictions").json()["jurisdictions"]
    assert [j["id"] for j in got] == ["dazhou", "hailing", "lushan", "qinzhou", "wendeng"]
    dazhou = got[0]["versions"][0]
    assert dazhou["content_hash"] == get_pack("dazhou").content_hash
    assert dazhou["in_force_from"] == "2023-06-06"


def test_a_pack_lists_chapters_and_every_article_with_status_rules_and_cases(
    client: TestClient,
) -> None:
    body = client.get("/v1/packs/dazhou").json()
    pack = get_pack("dazhou")
    assert body["version"] == pack.version and body["content_hash"] == pack.content_hash
    assert len(body["articles"]) == len(pack.articles) == 66
    art10 = next(a for a in body["articles"] if a["article"] == 10)
    assert art10["status"] == "encoded" and "approval.tier-4" in art10["rules"]
    assert any(c["article"] == "10(2)(iv)" for c in art10["cases"])
    in_chapters = [n for c in body["chapters"] for n in c["articles"]]
    assert sorted(in_chapters) == sorted(pack.articles)
    assert {a["status"] for a in body["articles"]} == {"encoded", "not_checkable"}


def test_a_rule_shows_its_citation_conditions_steps_and_cases(client: TestClient) -> None:
    r = client.get("/v1/packs/dazhou/rules/approval.tier-4").json()
    assert r["citation"]["en"] == "Art. 10(2)(iv)"
    assert r["final_approver"] == "municipal_party_standing_committee"
    assert "total_investment ≥ 1000" in r["when"]
    assert r["cases"]


def test_an_unknown_rule_is_a_404_problem_with_a_suggestion(client: TestClient) -> None:
    r = client.get("/v1/packs/dazhou/rules/approval.tier-5")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    assert r.json()["suggestion"].startswith("approval.tier-")


def test_evaluate_returns_exactly_the_library_verdict_json(client: TestClient) -> None:
    r = _eval(client, {"project": README_PROJECT, "as_of": AS_OF})
    assert r.status_code == 200
    want = evaluate(README_PROJECT, "dazhou", as_of=date(2026, 11, 25)).to_json()
    assert r.text == want
    assert r.json()["approval_routes"][0]["citation"]["en"] == "Art. 10(2)(iv)"


def test_money_stays_exact_through_json_bodies(client: TestClient) -> None:
    # 999.99 as a float would be fine, but 0.1 + 0.2 style drift must not reach a threshold:
    # a 29.999999999999999999万 project is below Dazhou's 30万 floor (Art. 2(1), inclusive).
    body = '{"project": {"total_investment": 29.999999999999999999}, "as_of": "2026-11-25"}'
    r = client.post(
        "/v1/packs/dazhou/evaluate", content=body, headers={"content-type": "application/json"}
    )
    facts = {f["rule_id"]: f for f in r.json()["findings"]}
    scope = [f for f in facts.values() if f["citation"]["en"].startswith("Art. 2(1)")]
    assert scope and scope[0]["facts"]["total_investment"] == "29.999999999999999999"
    assert Decimal(scope[0]["facts"]["total_investment"]) < 30


@pytest.mark.parametrize("amount, applies", [("29.99", False), ("30", True), ("30.01", True)])
def test_the_30_wan_floor_of_art_2_1_includes_30_over_http(
    client: TestClient, amount: str, applies: bool
) -> None:
    project = {**README_PROJECT, "total_investment": amount}
    r = _eval(client, {"project": project, "as_of": AS_OF}).json()
    assert r["applicability"]["applies"] is applies


def test_detail_compact_drops_only_the_settled_findings(client: TestClient) -> None:
    full = _eval(client, {"project": README_PROJECT, "as_of": AS_OF}).json()
    compact = _eval(client, {"project": README_PROJECT, "as_of": AS_OF}, detail="compact").json()
    kept = [f for f in full["findings"] if f["status"] not in ("satisfied", "not_applicable")]
    assert compact["findings"] == kept and len(kept) < len(full["findings"])
    assert "not_applicable" not in compact
    assert compact["outcome"] == full["outcome"]
    assert compact["approval_routes"] == full["approval_routes"]


def test_a_bad_project_lists_every_bad_field(client: TestClient) -> None:
    r = _eval(
        client, {"project": {"total_investmnt": 5, "is_secret": "maybe", "total_investment": -1}}
    )
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["type"].endswith("invalid-project") and body["status"] == 422
    paths = sorted(p["path"] for p in body["problems"])
    assert paths == ["project.is_secret", "project.total_investment", "project.total_investmnt"]
    assert "did you mean 'total_investment'" in json.dumps(body)


def test_an_unknown_jurisdiction_suggests_the_right_one(client: TestClient) -> None:
    r = _eval(client, {"project": README_PROJECT}, j="dazou")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    assert r.json()["suggestion"] == "dazhou"
    assert "dazhou" in r.json()["available"]


@pytest.mark.parametrize(
    "body, code",
    [
        (b"{", "parse"),
        (b'{"project": {}, "project": {}}', "duplicate-key"),
        (b'{"project": {"total_investment": NaN}}', "parse"),
        (b"[1, 2]", "bad-body"),
        (b'{"projet": {}}', "unknown-key"),
        (b'{"project": {}, "as_of": "2026-02-30"}', "bad-value"),
        (b'{"project": 5}', "bad-project"),
        (b"\xff\xfe", "parse"),
        (b"[" * 100_000, "parse"),
    ],
)
def test_unreadable_bodies_are_400_problems_with_a_located_code(
    client: TestClient, body: bytes, code: str
) -> None:
    r = client.post(
        "/v1/packs/dazhou/evaluate", content=body, headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.headers["content-type"] == PROBLEM
    assert r.json()["problems"][0]["code"] == code


def test_a_body_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    big = b'{"project": {"name": "' + b"x" * (1 << 20) + b'"}}'
    r = client.post(
        "/v1/packs/dazhou/evaluate", content=big, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM


def test_pasted_yaml_problems_carry_line_and_column(client: TestClient) -> None:
    text = "total_investment: 1000\nis_secret: perhaps\n"
    r = _eval(client, {"project_text": text})
    assert r.status_code == 422
    assert r.json()["problems"][0]["text"].startswith("project_text:2:")


def test_pasted_yaml_and_the_same_json_object_give_the_same_verdict(client: TestClient) -> None:
    text = "\n".join(f"{k}: {json.dumps(v)}" for k, v in README_PROJECT.items())
    a = _eval(client, {"project_text": text, "as_of": AS_OF}).json()
    b = _eval(client, {"project": README_PROJECT, "as_of": AS_OF}).json()
    assert a == b


def test_compare_answers_for_every_jurisdiction_side_by_side(client: TestClient) -> None:
    r = client.post("/v1/compare", json={"project": README_PROJECT, "as_of": AS_OF})
    rows = r.json()["rows"]
    assert [x["jurisdiction"] for x in rows] == [
        "dazhou",
        "hailing",
        "lushan",
        "qinzhou",
        "wendeng",
    ]
    dazhou = rows[0]
    assert dazhou["final_approver"] == "municipal_party_standing_committee"
    assert dazhou["route"]["citation"]["en"] == "Art. 10(2)(iv)"


def test_compare_with_an_unknown_jurisdiction_is_a_404(client: TestClient) -> None:
    r = client.post("/v1/compare", json={"project": {}, "jurisdictions": ["hailin"]})
    assert r.status_code == 404 and r.json()["suggestion"] == "hailing"


def test_the_batch_streams_one_answer_per_line_in_order(client: TestClient) -> None:
    lines = [
        json.dumps({"id": "a", "project": README_PROJECT, "as_of": AS_OF}),
        json.dumps({"id": "b", "project": {"is_secret": "maybe"}}),
        "{not json",
        json.dumps(
            {"id": "d", "project": {**README_PROJECT, "total_investment": 200}, "as_of": AS_OF}
        ),
    ]
    r = client.post(
        "/v1/packs/dazhou/evaluate-batch",
        content="\n".join(lines) + "\n",
        headers={"content-type": "application/x-ndjson"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    out = [json.loads(x) for x in r.text.splitlines()]
    assert [x["line"] for x in out] == [1, 2, 3, 4]
    want = evaluate(README_PROJECT, "dazhou", as_of=date(2026, 11, 25))
    assert out[0]["verdict"] == json.loads(want.to_json())
    assert out[1]["problem"]["problems"][0]["path"] == "project.is_secret"
    assert out[2]["problem"]["problems"][0]["code"] == "parse"
    assert out[3]["verdict"]["approval_routes"][0]["final_approver"] == "mayor"


def test_a_batch_longer_than_the_limit_is_refused_before_any_work(client: TestClient) -> None:
    from govit_rules._service._app import Limits

    body = "\n".join(["{}"] * (Limits.batch_lines + 1))
    r = client.post("/v1/packs/dazhou/evaluate-batch", content=body)
    assert r.status_code == 413 and r.json()["type"].endswith("batch-too-long")


def test_the_project_schema_marks_the_facts_a_pack_reads(client: TestClient) -> None:
    plain = client.get("/v1/schema/project").json()
    assert plain["properties"].keys() == project_schema()["properties"].keys()
    s = client.get("/v1/schema/project", params={"jurisdiction": "dazhou"}).json()
    assert "total_investment" in s["x-pack-facts"]
    assert "approval.tier-4" in s["properties"]["total_investment"]["x-used-by"]
    assert s["$defs"]["DeliveryMode"]["x-labels"]["self_build"] == "自行建设"


def test_the_calendar_marks_national_day_and_its_make_up_working_day(client: TestClient) -> None:
    r = client.get(
        "/v1/calendar",
        params={"jurisdiction": "dazhou", "start": "2026-09-26", "end": "2026-10-10"},
    ).json()
    kinds = {d["date"]: d["kind"] for d in r["days"]}
    assert kinds["2026-10-01"] == "holiday"
    assert "makeup_workday" in kinds.values()


def test_a_bad_query_parameter_is_a_422_problem(client: TestClient) -> None:
    r = client.get("/v1/packs/dazhou", params={"as_of": "soon"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert r.json()["problems"][0]["path"] == "query.as_of"


def test_cors_is_off_by_default(client: TestClient) -> None:
    r = client.get("/healthz", headers={"origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_the_openapi_document_describes_every_endpoint(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert set(doc["paths"]) >= {
        "/healthz",
        "/v1/jurisdictions",
        "/v1/packs/{jurisdiction}",
        "/v1/packs/{jurisdiction}/rules/{rule_id}",
        "/v1/packs/{jurisdiction}/evaluate",
        "/v1/packs/{jurisdiction}/evaluate-batch",
        "/v1/compare",
        "/v1/schema/project",
        "/v1/packs/{jurisdiction}/problems",
    }
    assert "Project" in doc["components"]["schemas"]


def test_the_workbench_and_its_files_are_served_from_the_package(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    for name in ("app.js", "style.css"):
        asset = client.get(f"/static/{name}")
        assert asset.status_code == 200
        # No CDN, no other origin: the page must work offline.
        assert "http://" not in asset.text and "https://" not in asset.text
    assert "http://" not in page.text and "https://" not in page.text


def test_importing_the_library_does_not_import_fastapi() -> None:
    import subprocess
    import sys

    code = "import sys, govit_rules; print('fastapi' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_pasted_yaml_bomb_is_refused_quickly_not_expanded(client: TestClient) -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    lines.append("name: *a8")
    r = _eval(client, {"project_text": "\n".join(lines)})
    assert r.status_code == 422
    assert r.json()["problems"][0]["code"] == "alias"
    assert r.json()["problems"][0]["text"].startswith("project_text:2:")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amount=st.decimals(min_value=0, max_value=10**7, places=6, allow_nan=False),
    as_text=st.booleans(),
)
def test_any_amount_sent_as_a_json_number_or_text_gets_the_librarys_verdict(
    client: TestClient, amount: Decimal, as_text: bool
) -> None:
    shown = str(amount) if as_text else format(amount, "f")
    # The amount goes into the JSON text as written: a number token, or a string.
    token = json.dumps(shown) if as_text else shown
    project = json.dumps({**README_PROJECT, "total_investment": "@"}).replace('"@"', token)
    body = f'{{"project": {project}, "as_of": "{AS_OF}"}}'
    r = client.post(
        "/v1/packs/dazhou/evaluate", content=body, headers={"content-type": "application/json"}
    )
    want = evaluate(
        {**README_PROJECT, "total_investment": Decimal(shown)}, "dazhou", as_of=date(2026, 11, 25)
    )
    assert r.text == want.to_json()
