"""The values facts take: the closed vocabularies (enums with their Chinese labels) and the
exact number, year and date types with their validation.

Money is ``Decimal`` in 万元 and never passes through a binary float; dates are YYYY-MM-DD;
years lie in 1990-2100. The enums are public API (re-exported by ``govit_rules``); the
vocabulary (vocabulary.yaml, a pack's facts.yaml) names them by class name.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

__all__ = [
    "ENUMS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_DATES",
    "Component",
    "Count",
    "DeliveryMode",
    "FundingSource",
    "IsoDate",
    "IsoDates",
    "Money",
    "Percent",
    "PerformanceRating",
    "ProjectNature",
    "Stage",
    "SystemType",
    "UnitLevel",
    "UnitType",
    "Year",
]


class _ZhEnum(StrEnum):
    """A closed vocabulary whose members carry a Chinese label."""

    zh: str

    def __new__(cls, value: str, zh: str = "") -> _ZhEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.zh = zh
        return obj

    def __str__(self) -> str:
        return str(self.value)


class DeliveryMode(_ZhEnum):
    """How the project is delivered (项目产生方式 / 建设模式)."""

    self_build = "self_build", "自行建设"
    purchase_of_service = "purchase_of_service", "政府购买服务"
    enterprise_build_government_buys = (
        "enterprise_build_government_buys",
        "企业投资建设运营、政府购买服务",
    )
    joint_build = "joint_build", "政府与社会联合建设"
    ppp = "ppp", "政府和社会资本合作（PPP）"


class ProjectNature(_ZhEnum):
    """What kind of work the project is (项目性质)."""

    new = "new", "新建"
    continuation = "continuation", "续建"
    renovation = "renovation", "改建/改造"
    expansion = "expansion", "扩建"
    upgrade = "upgrade", "升级"
    operation_maintenance = "operation_maintenance", "运行维护"
    service = "service", "信息服务（咨询、安全保障、系统迁移等）"


class FundingSource(_ZhEnum):
    """Where the money comes from (资金来源). "Local" means the jurisdiction's own level."""

    local_budget = "local_budget", "本级一般公共预算（财政预算资金）"
    government_fund_budget = "government_fund_budget", "本级政府性基金预算"
    special_construction_fund = "special_construction_fund", "纳入财政管理的政府性专项建设基金"
    local_government_bonds = "local_government_bonds", "地方政府新增债券、专项债及配套融资"
    national_bonds = "national_bonds", "国家发行债券所筹资金"
    foreign_loans = "foreign_loans", "国家对外借款或担保所筹资金"
    ppp_capital_injection = "ppp_capital_injection", "政府资本金注入的PPP项目资金"
    government_financing = "government_financing", "政府融资资金"
    higher_level_transfer = "higher_level_transfer", "上级转移支付或上级部门拨款"
    digital_economy_fund = "digital_economy_fund", "数字经济发展专项资金"
    state_owned_enterprise_funds = "state_owned_enterprise_funds", "国有企业资金"
    social_capital = "social_capital", "社会资本"
    other_government_investment = "other_government_investment", "其他应纳入政府投资的资金"


class UnitType(_ZhEnum):
    """The kind of unit that builds or uses the project (项目建设单位类型)."""

    government_organ = "government_organ", "党政机关/国家机关"
    public_institution = "public_institution", "事业单位"
    social_organization = "social_organization", "社会团体/人民团体"
    state_owned_enterprise = "state_owned_enterprise", "国有企业"
    judicial_organ = "judicial_organ", "法院、检察院"
    democratic_party = "democratic_party", "民主党派"
    private_enterprise = "private_enterprise", "民营企业"
    other = "other", "其他"


class UnitLevel(_ZhEnum):
    """Which level the unit belongs to, relative to the regulation's own jurisdiction."""

    own_level = "own_level", "本级（如市级部门之于市级办法）"
    subordinate_level = "subordinate_level", "下级（县、区、镇、街道）"
    resident_higher_level = "resident_higher_level", "驻本地的上级单位（如中直、区直驻市单位）"


class Stage(_ZhEnum):
    """Lifecycle stage the project has reached; ordered from first to last."""

    planning = "planning", "谋划"
    declaration = "declaration", "申报"
    approval = "approval", "立项审批"
    design_review = "design_review", "方案审查"
    procurement = "procurement", "采购"
    construction = "construction", "建设"
    trial_run = "trial_run", "试运行"
    acceptance = "acceptance", "验收"
    operation = "operation", "运行"

    @property
    def rank(self) -> int:
        return _STAGE_ORDER[self]


_STAGE_ORDER = {s: i for i, s in enumerate(Stage)}


class Component(_ZhEnum):
    """Things a project builds or buys that regulations prohibit or single out."""

    server_room = "server_room", "新建或扩建机房"
    data_center = "data_center", "数据中心"
    private_cloud = "private_cloud", "私有云平台"
    servers = "servers", "新增服务器"
    storage_devices = "storage_devices", "新增存储设备"
    server_network_equipment = "server_network_equipment", "新增服务端网络设备"
    internet_exit = "internet_exit", "互联网出口（含线路租赁）"
    leased_private_line = "leased_private_line", "专网线路租赁"
    private_network = "private_network", "部门专网"
    terminal_security = "terminal_security", "终端安全防护"
    computing_platform = "computing_platform", "运算平台"
    storage_backup_platform = "storage_backup_platform", "存储备份平台"
    security_platform = "security_platform", "安全平台"
    website_platform = "website_platform", "政府网站（支撑）平台"
    mobile_app = "mobile_app", "独立封装的移动客户端"
    big_data_platform = "big_data_platform", "大数据处理分析平台"
    law_enforcement_system = "law_enforcement_system", "执法检查类系统及模块"
    digital_certificate = "digital_certificate", "数字证书系统"
    e_license = "e_license", "电子证照系统"
    e_signature = "e_signature", "电子签章系统"
    public_payment = "public_payment", "公共支付系统"
    logistics = "logistics", "物流配套系统"
    notification = "notification", "通知消息系统"
    consultation_complaint = "consultation_complaint", "咨询投诉系统"
    video_surveillance = "video_surveillance", "视频监控"
    office_terminals = "office_terminals", "办公终端设备"
    network_access = "network_access", "网络接入（主干线路）"


class SystemType(_ZhEnum):
    """What category of system the project is, as regulations distinguish them."""

    government_service = "government_service", "政务服务类"
    public_service = "public_service", "公共服务类"
    office = "office", "办公类"
    decision_support = "decision_support", "决策辅助类"
    city_governance_platform = (
        "city_governance_platform",
        "城市数字化治理综合平台（应急指挥、城市治理、综合展示）",
    )
    infrastructure = "infrastructure", "信息基础设施"
    application_support_platform = "application_support_platform", "应用支撑平台"
    data_resource = "data_resource", "数据资源"
    business_system = "business_system", "业务信息系统"
    network_security = "network_security", "信息安全/网络安全"


class PerformanceRating(_ZhEnum):
    """The overall grade of a performance evaluation (绩效评价综合评价等次), best first."""

    excellent = "excellent", "优秀"
    good = "good", "良好"
    qualified = "qualified", "合格"
    unqualified = "unqualified", "不合格"


def _exact_number(value: Any) -> Any:
    # Money never passes through a binary float: 999.99999999999999999 as a float is 1000.0
    # and would pick the wrong approval tier. Decimal, int or a decimal string only.
    if isinstance(value, bool):
        raise ValueError("write an amount as a number, not true/false")
    if isinstance(value, float):
        raise ValueError(
            "an amount may not be a binary float (it cannot hold every amount exactly); "
            "pass a Decimal, an int or a decimal string such as '999.5'"
        )
    return value


def _bounded(value: Decimal) -> Decimal:
    if value.adjusted() >= _MAX_MONEY_DIGITS:
        raise ValueError(f"an amount must be below 10^{_MAX_MONEY_DIGITS} 万元")
    return value


_MAX_MONEY_DIGITS = 100  # far above any budget; keeps Decimal arithmetic in range
Money = Annotated[
    Decimal,
    Field(ge=0, allow_inf_nan=False),
    BeforeValidator(_exact_number),
    AfterValidator(_bounded),
]
Percent = Annotated[
    Decimal, Field(ge=0, le=100, allow_inf_nan=False), BeforeValidator(_exact_number)
]


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("write a number, not true/false")
    if isinstance(value, float | Decimal | str):
        raise ValueError("write a whole number such as 3")
    return value


def _iso_date(value: Any) -> Any:
    # Dates are YYYY-MM-DD only: an integer would otherwise be read as seconds since 1970
    # (0 becomes 1970-01-01) and a datetime string would lose its time silently.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if _COMPACT_DATE.fullmatch(text):
        raise ValueError(f"write a date as YYYY-MM-DD, e.g. {text[:4]}-{text[4:6]}-{text[6:]}")
    raise ValueError("write a date as YYYY-MM-DD, e.g. 2026-09-25")


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COMPACT_DATE = re.compile(r"[12][0-9]{3}[01][0-9][0-3][0-9]")
FIRST_YEAR, LAST_YEAR = 1990, 2100
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


# A ``dates`` fact holds every date of a recurring act (each year's report): at most one a
# day for a year of reports, which bounds what a hostile file can make the engine walk.
MAX_DATES = 366


def _date_list(value: Any) -> Any:
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple | set | frozenset):
        raise ValueError("write the dates as a list of YYYY-MM-DD, e.g. [2026-12-20, 2027-12-15]")
    if len(value) > MAX_DATES:
        raise ValueError(f"a list of dates holds at most {MAX_DATES} dates, got {len(value)}")
    return tuple(value)


def _sorted_distinct(value: tuple[date, ...]) -> tuple[date, ...]:
    return tuple(sorted(set(value)))


# Several dates of one kind of act, immutable, sorted and distinct whatever the input order.
IsoDates = Annotated[
    tuple[IsoDate, ...],
    BeforeValidator(_date_list),
    AfterValidator(_sorted_distinct),
    WithJsonSchema(
        {"type": "array", "items": {"type": "string", "format": "date"}, "maxItems": MAX_DATES}
    ),
]
Count = Annotated[int, Field(ge=0), BeforeValidator(_whole_number)]
# A plan or evaluation year: the regulations date from 2016 on; the range leaves room both
# ways while keeping every derived deadline a real calendar date.
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR), BeforeValidator(_whole_number)]


# The enums a vocabulary may name (by class name): a closed table, nothing is looked up.
ENUMS: dict[str, type[_ZhEnum]] = {
    e.__name__: e
    for e in (
        UnitType,
        UnitLevel,
        FundingSource,
        DeliveryMode,
        ProjectNature,
        Stage,
        SystemType,
        Component,
        PerformanceRating,
    )
}
