"""One meaning, one fact: where the regulations impose the same duty in the same words, a
project described with the shared facts only gets the same status for it in every pack.

Each duty lists, per pack whose text imposes it, the rule that encodes it and the article it
cites. A project that breaks the duty is ``violated`` everywhere, one that keeps it is
``satisfied`` everywhere, and one that does not say is ``unknown`` everywhere with the shared
fact among the facts asked for. No project here uses a fact that only one pack knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from govit_rules import Status, evaluate
from helpers import PLAIN_PROJECT

AS_OF = date(2026, 11, 25)
# A plain new, self-built, non-secret 100万 project of an organ of the jurisdiction's own
# level, funded by the local budget: inside the scope of all five measures.
BASE: dict[str, Any] = {
    **PLAIN_PROJECT,
    "total_investment": 100,
    "delivery_mode": "self_build",
    "project_nature": "new",
}


@dataclass(frozen=True)
class Duty:
    """A duty several regulations impose, the shared facts that break, keep or omit it, and
    where each pack encodes it: pack -> (rule id, article as the verdict cites it)."""

    name: str
    breaks: dict[str, Any]
    keeps: dict[str, Any]
    rules: dict[str, tuple[str, str]]
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def fact(self) -> str:
        return next(iter(self.breaks))


DUTIES = [
    # Dazhou Art. 20(2)(vi) 数据共享要求落实不到位的项目不予立项; Lushan Art. 8(1)(iii)
    # 符合信息资源共享要求; Qinzhou Art. 21 不支持信息共享和业务协同的项目不予审批;
    # Wendeng Art. 7 不共享，不予实施.
    Duty(
        "sharing",
        breaks={"data_sharing_requirements_met": False},
        keeps={"data_sharing_requirements_met": True},
        rules={
            "dazhou": ("consolidation.prerequisites", "20(2)(vi)"),
            "lushan": ("planning.requirement-sharing", "8(1)(iii)"),
            "qinzhou": ("sharing.no-approval-without-sharing", "21"),
            "wendeng": ("sharing.no-sharing-no-approval", "7"),
        },
        # Dazhou's item lists other shortcomings too: state that the project has none.
        context={
            "need_clear": True,
            "internal_integration_done": True,
            "data_catalogue_census_done": True,
            "security_assurance_adequate": True,
        },
    ),
    # Dazhou Art. 20(2)(iii) 未部署到市级政务云的非涉密新建项目; Qinzhou Art. 10 依托…云计算中心
    # 进行建设; Wendeng Art. 10 依托全市电子政务云平台.
    Duty(
        "government cloud",
        breaks={"deployed_on_gov_cloud": False},
        keeps={"deployed_on_gov_cloud": True},
        rules={
            "dazhou": ("consolidation.gov-cloud", "20(2)(iii)"),
            "qinzhou": ("infrastructure.build-on-egov", "10"),
            "wendeng": ("infrastructure.gov-cloud", "10"),
        },
    ),
    # Dazhou Art. 20(2)(i) 新建或扩建非涉密机房; Qinzhou Art. 10 不允许私自新建或扩建计算机机房;
    # Wendeng Art. 5 新建或改扩建现有部门机房…不予审批.
    Duty(
        "server rooms",
        breaks={"components": ["server_room"]},
        keeps={"components": ["video_surveillance"]},
        rules={
            "dazhou": ("consolidation.no-own-hardware", "20(2)(i)"),
            "qinzhou": ("infrastructure.no-own-infrastructure", "10"),
            "wendeng": ("infrastructure.no-server-room-or-servers", "5"),
        },
        # Qinzhou bars only building without authorisation (私自): not yet approved.
        context={"project_approved": False, "national_rules_require_new_infrastructure": False},
    ),
    # Dazhou Art. 20(2)(ii) 未整合到电子政务内网或外网的专网租赁项目; Hailing Art. 22 现有网络应
    # 逐步归并整合至城域网或电子政务外网; Qinzhou Art. 10 已建的业务专网…应逐步…迁移.
    Duty(
        "private networks",
        breaks={"private_network_integrated": False},
        keeps={"private_network_integrated": True},
        rules={
            "dazhou": ("consolidation.no-leased-lines", "20(2)(ii)"),
            "hailing": ("network.merge-existing", "22"),
            "qinzhou": ("infrastructure.migrate-private-network", "10"),
        },
        # The O&M of a running leased private line whose merging deadline has passed.
        context={
            "project_nature": "operation_maintenance",
            "stage": "operation",
            "components": ["leased_private_line"],
            "rectification_due_on": "2026-06-30",
        },
    ),
    # Dazhou Art. 59, Hailing Art. 7, Lushan Art. 13, Qinzhou Art. 24, Wendeng Art. 24:
    # 等级保护 testing of a non-secret system.
    Duty(
        "graded protection",
        breaks={"graded_protection_tested": False},
        keeps={"graded_protection_tested": True},
        rules={
            "dazhou": ("security.graded-protection", "59"),
            "hailing": ("security.graded-protection", "7"),
            "lushan": ("security.graded-protection", "13"),
            "qinzhou": ("security.graded-protection", "24"),
            "wendeng": ("security.graded-protection", "24"),
        },
    ),
    # Dazhou Art. 49 验收合格后，正式投入使用; Hailing Art. 14 未经竣工验收或竣工验收不合格的
    # 项目不得投入使用; Lushan Art. 15 竣工验收后移交…投入使用; Wendeng Art. 34 未经验收或者
    # 验收不合格的项目不得投入正式使用.
    Duty(
        "acceptance before use",
        breaks={"acceptance_passed": False},
        keeps={"acceptance_passed": True},
        rules={
            "dazhou": ("acceptance.before-use", "49"),
            "hailing": ("acceptance.no-use-before-acceptance", "14"),
            "lushan": ("acceptance.completion", "15"),
            "wendeng": ("acceptance.no-use-before-acceptance", "34"),
        },
        context={"in_use": True},
    ),
]

CASES = [
    pytest.param(duty, pack, id=f"{duty.name} in {pack} Art. {article}")
    for duty in DUTIES
    for pack, (_, article) in duty.rules.items()
]


def _finding(duty: Duty, pack: str, facts: dict[str, Any]) -> Any:
    rule_id, article = duty.rules[pack]
    verdict = evaluate({**BASE, **duty.context, **facts}, pack, as_of=AS_OF)
    finding = verdict.finding(rule_id)
    assert verdict.cites(article), f"{pack} {rule_id} should cite Art. {article}"
    return verdict, finding


@pytest.mark.parametrize(("duty", "pack"), CASES)
def test_a_project_that_breaks_a_shared_duty_breaches_it_in_every_pack_whose_text_imposes_it(
    duty: Duty, pack: str
) -> None:
    _, finding = _finding(duty, pack, duty.breaks)
    assert finding.status is Status.violated


@pytest.mark.parametrize(("duty", "pack"), CASES)
def test_a_project_that_keeps_a_shared_duty_meets_it_in_every_pack_whose_text_imposes_it(
    duty: Duty, pack: str
) -> None:
    _, finding = _finding(duty, pack, duty.keeps)
    assert finding.status is Status.satisfied


@pytest.mark.parametrize(("duty", "pack"), CASES)
def test_a_project_silent_on_a_shared_duty_is_asked_the_same_fact_in_every_pack(
    duty: Duty, pack: str
) -> None:
    rule_id, _ = duty.rules[pack]
    silent = {k: v for k, v in {**BASE, **duty.context}.items() if k != duty.fact}
    finding = evaluate(silent, pack, as_of=AS_OF).finding(rule_id)
    assert finding.status is Status.unknown
    assert duty.fact in finding.missing_facts


@pytest.mark.parametrize("duty", DUTIES, ids=[d.name for d in DUTIES])
def test_the_packs_agree_on_the_status_of_each_shared_duty(duty: Duty) -> None:
    for facts in (duty.breaks, duty.keeps):
        statuses = {pack: _finding(duty, pack, facts)[1].status for pack in duty.rules}
        assert len(set(statuses.values())) == 1, statuses


def test_a_project_that_does_not_share_is_barred_alike_where_the_text_says_not_approved() -> None:
    # Qinzhou Art. 21 不予审批, Wendeng Art. 7 不予实施, Dazhou Art. 20(2)(vi) 不予立项: the same
    # project is prohibited by all three (issue: it used to be only "needs information" in
    # Wendeng, whose rule read another fact).
    project = {**BASE, "data_sharing_requirements_met": False}
    outcomes = {p: evaluate(project, p, as_of=AS_OF).outcome.value for p in ("qinzhou", "wendeng")}
    assert outcomes == {"qinzhou": "prohibited", "wendeng": "prohibited"}
