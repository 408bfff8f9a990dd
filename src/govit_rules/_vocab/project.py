"""The project model: the facts that the five regulations test, in one shared vocabulary.

This module owns the :class:`Project` schema and its closed vocabularies. A fact means the
same thing in every rule pack; where two regulations use one word for different things the
field description says so. Every fact is optional: a missing fact is *unknown*, never false,
and the evaluator reports which unknown facts would decide a rule. Money is ``Decimal`` in
万元 (10,000 yuan). Unknown keys are rejected.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "Component",
    "DeliveryMode",
    "FundingSource",
    "PerformanceRating",
    "Project",
    "ProjectNature",
    "Stage",
    "SystemType",
    "UnitLevel",
    "UnitType",
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
Count = Annotated[int, Field(ge=0), BeforeValidator(_whole_number)]
# A plan or evaluation year: the regulations date from 2016 on; the range leaves room both
# ways while keeping every derived deadline a real calendar date.
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR), BeforeValidator(_whole_number)]


def _fact(zh: str, description: str, stage: Stage | None = None) -> Any:
    extra: dict[str, Any] = {"zh": zh}
    if stage is not None:
        extra["stage"] = stage.value
    return Field(default=None, description=description, json_schema_extra=extra)


class Project(BaseModel):
    """A government IT project as the regulations see it. Every fact is optional (unknown)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_enum_values=False,
        title="govit-rules project",
        json_schema_extra={
            "description": "Facts about one government IT project; amounts in 万元."
        },
    )

    # --- identity -------------------------------------------------------------------------
    project_id: str | None = _fact("项目编号", "Identifier of the project in the caller's system.")
    name: str | None = _fact("项目名称", "Name of the project.")
    unit_name: str | None = _fact("项目建设单位", "Name of the unit that builds or uses it.")

    # --- scope ----------------------------------------------------------------------------
    unit_type: UnitType | None = _fact("单位类型", "Kind of unit that builds or uses the project.")
    unit_level: UnitLevel | None = _fact(
        "单位层级", "Level of the unit relative to the regulation's own jurisdiction."
    )
    funding_sources: frozenset[FundingSource] | None = _fact(
        "资金来源", "Every source of the project's money."
    )
    delivery_mode: DeliveryMode | None = _fact("实施方式", "How the project is delivered.")
    project_nature: ProjectNature | None = _fact("项目性质", "Kind of work: new, upgrade, O&M …")
    is_secret: bool | None = _fact("是否涉密", "The project involves state secrets (涉密项目).")
    total_investment: Money | None = _fact("总投资（万元）", "Total investment in 万元.")
    plan_year: Year | None = _fact(
        "计划年度", "The year whose annual plan the project is declared for."
    )
    evaluation_year: Year | None = _fact(
        "自评年度", "The year whose annual self-evaluation of the running project is checked."
    )
    stage: Stage | None = _fact(
        "当前阶段",
        "Lifecycle stage reached. Obligations of a later stage are reported as required, "
        "not violated; with no stage every obligation is checked.",
    )
    part_of_works_project: bool | None = _fact(
        "属于工程建设/基建项目所含信息化部分",
        "The IT work is part of a construction (works or infrastructure) project.",
    )
    works_separately_approved: bool | None = _fact(
        "信息化部分单独立项", "The IT part was approved separately from the works part."
    )
    works_separation_impossible: bool | None = _fact(
        "因特殊原因确实无法分开单独立项",
        "For special reasons the works part and the IT part truly cannot be approved "
        "separately (e.g. Dazhou Art. 8(2)).",
    )
    it_share_of_estimate_percent: Percent | None = _fact(
        "信息化部分占整体概算比例（%）",
        "Share of the IT part in the whole estimate of a combined works project, in percent.",
    )
    is_cross_department: bool | None = _fact(
        "跨部门共建共享", "The project is built and shared by several departments."
    )
    is_cross_level: bool | None = _fact(
        "跨层级（市县）共享协同", "The project is shared across city and county levels."
    )
    declared_by_lead_department: bool | None = _fact(
        "由牵头部门申报", "A cross-department project was declared by its lead department."
    )
    system_types: frozenset[SystemType] | None = _fact("系统类别", "Categories of the system.")
    components: frozenset[Component] | None = _fact(
        "建设内容构成", "Components the project builds or buys (server rooms, apps …)."
    )

    # --- planning and declaration ---------------------------------------------------------
    in_project_library: bool | None = _fact("纳入项目库", "The project is in the project library.")
    in_annual_plan: bool | None = _fact("列入年度计划", "The project is in the annual plan.")
    in_system_catalogue: bool | None = _fact(
        "纳入系统目录管理", "The system is registered in the system catalogue."
    )
    collectively_reviewed: bool | None = _fact(
        "经集中统一审议审定",
        "Dazhou: the project went through the collective review (财经委审议、常务会和常委会审定).",
    )
    added_in_mid_year_adjustment: bool | None = _fact(
        "中期调整增补", "The project was added to the annual plan in the mid-year adjustment."
    )
    special_declaration: bool | None = _fact(
        "专项申报", "Declared outside the annual round because of an urgent or major task."
    )
    special_or_urgent: bool | None = _fact(
        "特殊或紧急项目", "The unit states that the project is special or urgent."
    )
    declaration_materials_complete: bool | None = _fact(
        "申报材料齐全", "Declaration materials are complete and submitted as required."
    )
    filed_in_management_system: bool | None = _fact(
        "已通过项目管理系统申报备案",
        "Declaration and related work were filed through the jurisdiction's online IT project "
        "management system (e.g. Hailing's 政务信息化项目管理系统).",
    )
    existing_system_meets_need: bool | None = _fact(
        "已建系统可满足需求", "A system the unit already has can meet the need."
    )
    need_clear: bool | None = _fact(
        "需求和绩效目标明确", "The need and the performance goals are clear."
    )
    existing_data_shared: bool | None = _fact(
        "现有系统数据已按要求共享", "Data of existing systems that should be shared is shared."
    )
    refuses_sharing_without_reason: bool | None = _fact(
        "无正当理由拒绝数据共享", "The unit refuses to share new systems' data without reason."
    )
    has_explicit_higher_mandate: bool | None = _fact(
        "有上级或本级党委政府明确要求",
        "Central, provincial or local Party committee and government explicitly require it.",
    )
    national_security_urgent: bool | None = _fact(
        "涉及国家安全等特殊原因且紧急", "National security or a similar reason makes it urgent."
    )
    exempted_by_law: bool | None = _fact(
        "法律法规另有明确规定", "A law or regulation explicitly provides otherwise for it."
    )
    technical_review_ordered_by_leadership: bool | None = _fact(
        "本级党委政府另有要求进行技术审查",
        "The jurisdiction's Party committee and government require the technical review of a "
        "project that is not in the project library (e.g. Dazhou Art. 9(2)).",
    )
    conforms_to_development_plan: bool | None = _fact(
        "符合信息化（智慧城市）建设规划",
        "The project conforms to the jurisdiction's informatisation or smart-city plan.",
    )
    construction_basis_sufficient: bool | None = _fact(
        "建设依据充分、用途功能清晰",
        "The project has a sufficient basis and clearly defined uses and functions.",
    )
    follows_unified_data_standards: bool | None = _fact(
        "遵循统一数据交换标准和技术规范",
        "The project follows the unified data-exchange standards and technical specifications.",
    )
    cost_estimate_reasonable: bool | None = _fact(
        "投资和运维经费估算合理",
        "The estimates of investment and of operation and maintenance funds are reasonable.",
    )
    project_approved: bool | None = _fact(
        "已取得立项批复", "The project approval (立项批复) has been obtained."
    )
    feasibility_study_approved: bool | None = _fact(
        "可行性研究报告已批复", "The feasibility study report has been approved (可研批复)."
    )
    approved_outside_annual_plan: bool | None = _fact(
        "计划外项目已按例外程序获批",
        "A project not in the annual plan was approved through the exceptional procedure "
        "for special or urgent projects (e.g. by the city government).",
    )
    filed_with_it_authority: bool | None = _fact(
        "已向信息化主管部门备案",
        "The project (construction or O&M) is filed with the IT authority under a "
        "full-scope filing system (e.g. Wendeng Art. 3: 全口径备案 with the big-data centre).",
    )
    planning_review_passed: bool | None = _fact(
        "年度项目规划审核通过",
        "The next year's project plan, declared with the budget, passed the IT authority's "
        "planning review (e.g. Wendeng Art. 11).",
    )
    in_annual_budget: bool | None = _fact(
        "纳入年度预算", "The project is included in the annual budget (not the IT annual plan)."
    )
    plan_review_passed: bool | None = _fact(
        "建设方案审核通过",
        "The construction plan and feasibility report passed the IT authority's expert review "
        "and a favourable review opinion was issued (e.g. Wendeng Arts. 12-13).",
    )
    funds_arranged: bool | None = _fact(
        "已安排项目资金", "The finance authority has arranged money for the project."
    )
    pre_reviewed: bool | None = _fact(
        "已经预审",
        "A specially declared project went through the pre-review (预审) of the reviewing "
        "authority before the government's decision (e.g. Qinzhou Art. 8: 市发改委预审).",
    )
    plan_prepared_by_qualified_consultancy: bool | None = _fact(
        "实施方案由具有相应资质的咨询机构编制",
        "The implementation plan (or feasibility report) was prepared by a consultancy "
        "holding the matching qualification.",
    )
    plan_copy_sent_to_coordinator: bool | None = _fact(
        "建设方案等材料已抄送统筹部门",
        "A project funded by higher-level (national or provincial) allocations sent a copy "
        "of its construction plan to the local coordinating department (Qinzhou: 市发改委).",
    )
    large_or_complex: bool | None = _fact(
        "预算投资大、技术难度高或专业性强",
        "The project has a large budget, high technical difficulty or strong specialisation; "
        "the regulation sets no threshold, so the reviewing authority states it.",
    )

    # --- purchase of service (Dazhou Art. 12 and similar) ---------------------------------
    is_goods_works_or_bundle: bool | None = _fact(
        "属于货物、工程或工程与服务打包",
        "What is bought is goods or works under procurement law, or works bundled with service.",
    )
    service_fee_clearly_lower: bool | None = _fact(
        "购买服务费明显低于自建成本",
        "Service fees over the system's life are clearly below self-build and O&M cost.",
    )
    multiple_potential_providers: bool | None = _fact(
        "存在多家潜在服务商", "Several potential service providers exist."
    )
    meets_security_secrecy_requirements: bool | None = _fact(
        "符合安全保密要求", "It meets the state's security and secrecy requirements."
    )
    government_payment_started: bool | None = _fact(
        "政府已开始支付购买服务费用",
        "The government has started paying the provider for the purchased service.",
    )
    annual_service_assessment_done: bool | None = _fact(
        "已开展年度服务质量（运营绩效）考核",
        "The provider's service quality or operating performance is assessed every year.",
    )
    payment_linked_to_assessment: bool | None = _fact(
        "年度付费与考核结果挂钩",
        "The yearly payment is made year by year and based on the yearly assessment score.",
    )

    # --- infrastructure, cloud, platforms -------------------------------------------------
    national_rules_require_new_infrastructure: bool | None = _fact(
        "国家和省规定需新建基础设施", "National or provincial rules require new infrastructure."
    )
    new_infrastructure_approved: bool | None = _fact(
        "新建基础设施已经论证并报党委政府审定",
        "Infrastructure that national or provincial rules require was assessed by the IT "
        "authority and decided by the Party committee and government (e.g. Dazhou Art. 15).",
    )
    centralised_build: bool | None = _fact(
        "采用集中建设模式",
        "The project is built in the centralised mode: planned and built by the IT authority, "
        "or by it together with the participating units (e.g. Dazhou Arts. 14-17).",
    )
    comprehensive_or_foundational: bool | None = _fact(
        "综合性、基础性项目或可整合其中",
        "The project is a jurisdiction-wide comprehensive or foundational IT project, or can be "
        "integrated into one (e.g. Dazhou Art. 16).",
    )
    deployed_on_gov_cloud: bool | None = _fact(
        "部署（迁移）到政务云",
        "The system is (or will be) deployed on, or migrated to, the jurisdiction's government "
        "cloud (政务云, 云计算中心). Hosting only the back-end equipment in a data-centre room is "
        "the finer backend_hosted_in_city_data_centre.",
    )
    private_network_integrated: bool | None = _fact(
        "专网已整合（归并）到电子政务网络",
        "The project's private network or leased private line (专网, 专线, a unit's own "
        "existing network) is merged into the common e-government network: the e-government "
        "intranet or extranet, or the jurisdiction's government metropolitan network where the "
        "regulation names it (e.g. Hailing Art. 22: 城域网).",
    )
    network_access_approved: bool | None = _fact(
        "网络接入书面申请已获批准",
        "A written application for network access was approved, to be built centrally.",
    )
    terminal_security_supervised: bool | None = _fact(
        "终端安全纳入电子政务外网统一监管",
        "Terminal security protection is under the extranet's unified supervision.",
    )
    connected_to_public_info_platform: bool | None = _fact(
        "接入城市公共信息服务平台", "Connected to the city public information service platform."
    )
    connected_to_gov_service_platform: bool | None = _fact(
        "接入一体化政务服务平台", "Connected to the integrated government service platform."
    )
    connected_to_office_platform: bool | None = _fact(
        "接入统一协同办公平台", "Connected to the unified collaborative office platform."
    )
    connected_to_sharing_platform: bool | None = _fact(
        "接入数据共享（交换）平台",
        "System data is connected live to the data sharing or exchange platform.",
    )
    video_connected_to_video_centre: bool | None = _fact(
        "视频资源接入视频中心", "Video surveillance resources are connected to the video centre."
    )
    integrated_into_city_brain: bool | None = _fact(
        "整合到城市大脑", "A city-governance platform is integrated into the city brain."
    )
    isolated_system: bool | None = _fact(
        "孤立信息系统", "The system stands alone, sharing nothing with common platforms."
    )
    replaceable_by_common_system: bool | None = _fact(
        "可被统建通用系统替代或内部整合归并",
        "The system could be merged internally or replaced by a common system.",
    )
    internal_integration_done: bool | None = _fact(
        "内部系统整合到位", "The unit's internal systems are integrated."
    )
    data_catalogue_census_done: bool | None = _fact(
        "数据目录普查到位", "The data catalogue census is done."
    )
    data_sharing_requirements_met: bool | None = _fact(
        "符合信息资源共享要求（支持信息共享）",
        "The project meets the information-sharing requirements: it shares its information "
        "and supports sharing and business collaboration (符合信息资源共享要求, 数据共享要求落实到位, "
        "支持信息共享和业务协同, 应进行信息共享 all mean this). Finer sharing duties (platform "
        "connection, aggregation, catalogue) are their own facts.",
    )
    security_assurance_adequate: bool | None = _fact(
        "信息安全保障到位", "Information security assurance is adequate."
    )
    co_built_shared: bool | None = _fact(
        "共建共享共用", "Infrastructure, support platforms or data are co-built and shared."
    )
    original_project_accepted: bool | None = _fact(
        "原项目已验收", "For an upgrade or renovation: the original project passed acceptance."
    )
    backend_hosted_in_city_data_centre: bool | None = _fact(
        "后端设备托管到市数据中心机房",
        "The project's back-end equipment (computing, storage, network, security …) is "
        "hosted in the city's data-centre machine room.",
    )
    backend_assets_held_by_state_owner: bool | None = _fact(
        "后端设备资产划归国有建设业主",
        "The back-end equipment assets are assigned to the state-owned company that owns "
        "the city's projects (e.g. a state-owned digital company).",
    )
    it_part_tendered_separately: bool | None = _fact(
        "基建项目信息化部分专项招标",
        "The IT part of a works (infrastructure) project is tendered separately.",
    )
    works_it_plan_approved: bool | None = _fact(
        "基建项目信息化建设方案已经论证审批",
        "Before tendering, the plan for the IT part of a works project was assessed and "
        "approved by the IT authority (e.g. Wendeng Art. 5).",
    )

    # --- sharing --------------------------------------------------------------------------
    sharing_needs_analysed: bool | None = _fact(
        "已分析信息共享需求", "Sharing needs were analysed before submission."
    )
    shares_only_with_specific_parties: bool | None = _fact(
        "应普遍共享的数据仅向特定企业或组织开放",
        "Data that should be shared generally is opened only to particular firms or bodies.",
    )
    data_aggregation_completed: bool | None = _fact(
        "已按要求完成数据归集", "The unit completed data aggregation as technically required."
    )
    cannot_share_by_law: bool | None = _fact(
        "依规不能共享", "Rules forbid sharing this project's information."
    )
    sharing_exception_approved: bool | None = _fact(
        "不共享已获核准", "Keeping a non-sharing project was approved by the authority."
    )
    sharing_agreement_signed: bool | None = _fact(
        "已签订信息资源共享开放协议", "The information sharing and opening agreement is signed."
    )
    resource_catalogue_compiled: bool | None = _fact(
        "已编制信息资源目录", "The information resource catalogue is compiled."
    )
    blocks_integration_or_sharing: bool | None = _fact(
        "阻止或妨碍系统对接和数据共享", "Some unit blocks integration or data exchange."
    )
    duplicates_shared_data_collection: bool | None = _fact(
        "重复采集可共享获取的数据",
        "The project collects again data that it could obtain through information sharing.",
    )
    charges_for_shared_data: bool | None = _fact(
        "共享信息资源向政务部门收费",
        "The unit charges other government departments for using its information resources.",
    )
    shared_data_security_ensured: bool | None = _fact(
        "共享信息安全保密责任已落实",
        "The parties to information sharing bear and fulfil the security and secrecy duties "
        "for the shared information.",
    )
    data_catalogue_on_sharing_platform: bool | None = _fact(
        "数据资源目录已纳入共享交换平台目录管理系统",
        "The project's data resource catalogue is registered in the catalogue management "
        "system of the government information sharing and exchange platform.",
    )

    # --- money and changes ----------------------------------------------------------------
    approved_estimate: Money | None = _fact("批复概算（万元）", "Approved estimate (概算), 万元.")
    approved_total_investment: Money | None = _fact(
        "批复总投资（万元）", "Approved total investment, 万元."
    )
    actual_investment: Money | None = _fact(
        "实际投资（万元）", "Actual (or forecast final) investment, 万元."
    )
    bid_control_price: Money | None = _fact("招标控制价（万元）", "Tender control price, 万元.")
    original_contract_amount: Money | None = _fact(
        "原合同采购金额（万元）", "Amount of the original procurement contract, 万元."
    )
    supplementary_contract_amount: Money | None = _fact(
        "补充合同采购金额合计（万元）",
        "Sum of all supplementary contracts under the original contract, 万元.",
    )
    adjustment_amount: Money | None = _fact(
        "资金调整数额（万元）", "Amount of money moved by an adjustment of content, 万元."
    )
    construction_goal_changed: bool | None = _fact("建设目标改变", "The construction goal changed.")
    major_change: bool | None = _fact(
        "重大调整或设计变更", "A major adjustment or design change happened during construction."
    )
    major_change_approved: bool | None = _fact(
        "重大调整已事先批准", "The major change was approved before it was made."
    )
    adjustment_filed: bool | None = _fact(
        "调整已形成书面材料备案", "The adjustment was put in writing and filed."
    )
    adjustment_required_by_directive: bool | None = _fact(
        "根据党中央国务院或各级党委政府部署确需改变建设内容",
        "The content must change because of a deployment by the central, provincial or local "
        "Party committee and government (e.g. Dazhou Art. 45(i)).",
    )
    adjustment_optimises_technical_plan: bool | None = _fact(
        "确需完善优化原技术方案",
        "The adjustment improves or optimises the original technical plan (e.g. Dazhou Art. 45(ii)).",
    )
    adjustment_within_approved_framework: bool | None = _fact(
        "在已批复建设规划框架下按业务需要调整",
        "Business needs require adjusting content or schedule within the framework of the "
        "approved construction plan (e.g. Dazhou Art. 45(iii)).",
    )
    full_procedure_repeated: bool | None = _fact(
        "已重新履行全部基本建设程序",
        "Because supplementary purchases exceed the cap, the whole basic procedure (approval, "
        "technical and estimate review, budget review, procurement, pre-acceptance, acceptance) "
        "was gone through again (e.g. Dazhou Art. 43(1)).",
    )
    om_renewal: bool | None = _fact(
        "续运维项目",
        "An O&M project renewing an earlier round of O&M (续运维), as opposed to the first O&M "
        "after the warranty of a new project ends.",
    )
    om_budget_declared_previous_year: bool | None = _fact(
        "运维经费已于上一年度申报预算",
        "The O&M money was declared in the budget of the year before it is needed.",
    )
    om_needs_reassessed: bool | None = _fact(
        "新一轮运维需求已重新论证评估",
        "The needs of a new round of O&M were assessed again (by experts or a third party).",
    )
    content_adjusted: bool | None = _fact(
        "建设内容调整",
        "The construction content departs from the approved plan (any change, major or not).",
    )
    adjustment_report_approved: bool | None = _fact(
        "调整报告已审查通过",
        "A report giving the reasons and content of the adjustment was approved before the change.",
    )
    content_adjustment_authorised: bool | None = _fact(
        "建设内容变更已经批准",
        "A change of construction content was authorised before it was made (not 擅自变更).",
    )
    funds_adjusted: bool | None = _fact(
        "下达后资金调整",
        "After the money was released, it was increased, the project's amount was changed, "
        "or money was moved between projects of the funding plan.",
    )
    funds_adjustment_approved: bool | None = _fact(
        "资金调整已获政府批准",
        "That money adjustment was approved by the people's government (Qinzhou: 市政府).",
    )
    payments_follow_progress_and_contract: bool | None = _fact(
        "按预算、用款计划、进度和合同拨付",
        "Money was paid out according to the budget, payment plan, work progress and contract.",
    )
    funds_falsified_or_encroached: bool | None = _fact(
        "项目资金弄虚作假或被挤占",
        "Project money was obtained by falsification (弄虚作假) or encroached on (挤占); "
        "withholding and diversion are funds_diverted.",
    )
    quarterly_fund_reports_submitted: bool | None = _fact(
        "已按季度报送资金使用情况",
        "Every quarterly report on the use of the project money due so far was submitted.",
    )
    year_end_budget_report_submitted: bool | None = _fact(
        "已于年底报送预算执行情况",
        "Every year-end report on budget execution due so far was submitted.",
    )
    surplus_funds: Money | None = _fact("结余资金（万元）", "Unused money left over, 万元.")
    surplus_returned: bool | None = _fact("结余资金已退回", "Surplus money was returned.")

    # --- construction, trial run, acceptance ----------------------------------------------
    severely_overdue: bool | None = _fact("工程严重逾期", "The work is seriously overdue.")
    major_investment_loss: bool | None = _fact(
        "投资重大损失", "The investment suffered major loss."
    )
    reported_to_authority: bool | None = _fact(
        "已向主管部门报告", "Serious delay or loss was reported to the competent authority."
    )
    cannot_continue_due_to_external_causes: bool | None = _fact(
        "因外部环境变化或不可抗力难以继续实施",
        "The project is under way with real progress but external changes or force majeure "
        "make it impossible to continue and reach its overall goal.",
    )
    unit_has_security_noncompliant_project: bool | None = _fact(
        "单位有不符合密码和网络安全要求或存在重大安全隐患的项目",
        "One of the unit's projects fails cryptography or network-security requirements or "
        "has a major security hazard (a fact about the unit, not this project).",
    )
    pre_acceptance_approved: bool | None = _fact(
        "已获验收前置核准", "Pre-acceptance approval (验收前置核准) was obtained."
    )
    acceptance_passed: bool | None = _fact("验收合格", "The (completion) acceptance was passed.")
    in_use: bool | None = _fact("已投入使用", "The system is in formal use.")
    consecutive_failed_acceptances: Count | None = _fact(
        "连续未通过验收次数", "Number of consecutive failed acceptances."
    )
    graded_protection_tested: bool | None = _fact(
        "已完成等级保护测评", "Graded cybersecurity protection testing (等保测评) is done."
    )
    crypto_assessment_done: bool | None = _fact(
        "已完成密码应用安全性评估", "Cryptography application assessment (密评) is done."
    )
    security_synchronised: bool | None = _fact(
        "安全同步规划、建设、运行", "Security is planned, built and run together with the system."
    )
    risk_assessment_in_trial_run: bool | None = _fact(
        "试运行期间已开展风险评估", "A security risk assessment was made during the trial run."
    )
    secure_reliable_products: bool | None = _fact(
        "采用安全可靠软硬件产品", "The project uses secure and reliable (domestic) products."
    )
    meets_crypto_security_requirements: bool | None = _fact(
        "符合密码应用和网络安全要求", "The project meets cryptography and network-security rules."
    )
    non_domestic_choice_justified: bool | None = _fact(
        "选用非国产技术产品理由充分",
        "Where non-domestic technology or products were chosen, the unit documented why no "
        "suitable domestic one was available.",
    )
    secret_integration_qualified: bool | None = _fact(
        "涉密项目设计、承建、监理单位具备涉密集成资质",
        "A secret project's designer, builder and supervisor hold the matching secret "
        "information-system integration qualification.",
    )
    secret_products_approved: bool | None = _fact(
        "涉密项目安全保密、防病毒、密码产品经主管部门认可或批准",
        "A secret project's security/secrecy products are recognised by the national secrecy "
        "administration, its anti-virus products approved by public security, and its "
        "cryptographic products approved by the cryptography administration.",
    )
    secrecy_testing_passed: bool | None = _fact(
        "已通过保密测评",
        "A completed secret project passed the testing and assessment of a secrecy testing body.",
    )
    secrecy_approval_obtained: bool | None = _fact(
        "涉密系统已经保密行政管理部门审查批准",
        "A secret system was examined and approved by the secrecy administration before use.",
    )
    completed_on_plan: bool | None = _fact(
        "按计划完成建设任务", "The construction tasks were completed as planned."
    )
    delay_justified: bool | None = _fact(
        "未按计划完成有合理原因", "There is a reasonable cause for not completing as planned."
    )
    extra_cost_borne_by_responsible_unit: bool | None = _fact(
        "未通过验收增加的费用由责任单位承担",
        "After a failed acceptance, the extra cost of finishing the work is borne by the "
        "responsible unit, not by new public money.",
    )
    progress_schedules_submitted: bool | None = _fact(
        "已按要求报送建设进度表",
        "Every construction progress schedule the supervising authority asked for so far was "
        "submitted.",
    )
    major_security_hazard: bool | None = _fact(
        "存在重大安全隐患", "The project has a major security hazard."
    )
    involves_civil_works: bool | None = _fact(
        "涉及新建土建工程", "The project involves new civil (building) works."
    )
    high_energy_consumption: bool | None = _fact("高能耗项目", "The project consumes much energy.")
    security_assessment_costs_in_estimate: bool | None = _fact(
        "等保测评和密评费用已计入概算",
        "Costs of graded-protection testing and cryptography assessment are in the estimate.",
    )
    performance_rating: PerformanceRating | None = _fact(
        "绩效评价综合评价等次",
        "The overall grade a performance evaluation gave the unit's project (优秀, 良好, 合格, "
        "不合格); whether 合格 counts as '合格以下' is the rule's reading, not the fact's.",
    )
    data_not_shared_after_completion: bool | None = _fact(
        "项目建成后数据不共享",
        "A performance evaluation found that a completed project of the unit does not share its "
        "data (a finding about the unit's earlier project; this project's own sharing is "
        "data_sharing_requirements_met).",
    )
    security_incident_notified: bool | None = _fact(
        "发生网络或信息安全事故被上级通报",
        "The unit had a network or information security incident notified by higher authorities.",
    )
    server_resources_misused: bool | None = _fact(
        "服务器资源使用不合理",
        "A performance evaluation found the unit's server resources used unreasonably.",
    )
    performance_findings_rectified: bool | None = _fact(
        "绩效评价问题已整改到位",
        "The problems found in the unit's performance evaluation have been rectified.",
    )
    owner_is_state_digital_company: bool | None = _fact(
        "由国有数字公司作为建设业主",
        "The state-owned digital company the city set up is the project's owner and builder.",
    )
    qualified_supervisor_engaged: bool | None = _fact(
        "已委托具有相应资质的工程监理单位",
        "An IT-engineering supervisor holding the matching qualification is engaged.",
    )
    data_confidentiality_ensured: bool | None = _fact(
        "建设运营中落实数据保密",
        "Builder and contractors keep the project's data confidential during construction, "
        "operation and asset management (distinct from meets_security_secrecy_requirements, "
        "a precondition for buying a service).",
    )
    handed_over_to_user: bool | None = _fact(
        "已移交使用单位并办理交接手续",
        "After acceptance the project was handed over to the user unit with formal handover.",
    )
    archives_established: bool | None = _fact(
        "已建立项目管理档案并报送存档",
        "Project archives (contracts, technical documents …) are established and filed.",
    )
    data_assets_owned_by_government: bool | None = _fact(
        "项目数据资产归本级政府所有",
        "The data assets the project produces belong to the jurisdiction's government.",
    )
    major_construction_investment: bool | None = _fact(
        "属于重大建设（含改建、扩建）投入",
        "The project is a major construction investment (renovation and expansion included).",
    )
    decided_one_by_one: bool | None = _fact(
        "已一事一议", "The investment was decided on its own merits (一事一议)."
    )
    investment_verified_by_state_assets_authority: bool | None = _fact(
        "项目投入已报国资监管部门核定",
        "The investment was submitted to and verified by the state-assets authority.",
    )
    om_system_established: bool | None = _fact(
        "已建立运行维护管理制度",
        "The unit has an operation and maintenance management system (rules) for the project.",
    )
    security_risk_assessment_done: bool | None = _fact(
        "已开展网络与信息安全风险评估",
        "A network and information security risk assessment was made (at any time; "
        "risk_assessment_in_trial_run is the one made during the trial run).",
    )
    classified_protection_done: bool | None = _fact(
        "已落实分级保护要求",
        "A secret system meets the classified-protection (分级保护) requirements and testing.",
    )
    crypto_synchronised: bool | None = _fact(
        "密码保障系统同步规划、建设、运行",
        "The cryptographic protection system is planned, built and run with the project.",
    )
    key_products_procured_per_law: bool | None = _fact(
        "关键产品依法采购",
        "Security devices, core network devices and key software were bought as the law "
        "requires (e.g. certification of critical network equipment).",
    )
    obstructs_supervision: bool | None = _fact(
        "拒绝、隐匿或瞒报监督检查资料",
        "The unit refuses, hides or misreports materials that supervision or audit asks for.",
    )
    rectification_ordered: bool | None = _fact(
        "被责令限期整改", "The authority ordered the unit to rectify within a time limit."
    )
    rectification_completed: bool | None = _fact(
        "整改到位", "The ordered rectification is complete and the project now conforms."
    )
    funds_diverted: bool | None = _fact(
        "项目资金被截留、挪用", "Project money was withheld (截留) or diverted (挪用)."
    )
    initial_acceptance_passed: bool | None = _fact(
        "已通过初验",
        "The unit's own initial check (初验) after completion passed, before it applied for "
        "completion acceptance.",
    )
    construction_content_completed: bool | None = _fact(
        "已完成全部建设内容",
        "All content required by the detailed design and the contract is built and meets "
        "the construction goals.",
    )
    meets_design_indicators: bool | None = _fact(
        "功能性能指标达到设计要求",
        "The project's functional, performance and other indicators meet the design.",
    )
    final_account_audited: bool | None = _fact(
        "已进行决（结）算审计", "The final-account (决算/结算) audit was carried out."
    )
    assets_transferred_to_state_company: bool | None = _fact(
        "资产已移交国有公司统一运维",
        "The completed project's assets were handed to the state-owned company for unified "
        "operation and maintenance (e.g. Wendeng Art. 38; all assets, not only back-end "
        "equipment as in backend_assets_held_by_state_owner).",
    )

    # --- lifecycle dates ------------------------------------------------------------------
    declared_on: IsoDate | None = _fact(
        "申报日期", "Date the project was declared.", Stage.declaration
    )
    pre_review_submitted_on: IsoDate | None = _fact(
        "报送预审日期",
        "Date a specially declared project was submitted for pre-review (预审) with its materials.",
        Stage.declaration,
    )
    pre_review_completed_on: IsoDate | None = _fact(
        "预审完成日期",
        "Date the pre-review was completed and its opinion (预审意见) issued.",
        Stage.declaration,
    )
    approved_on: IsoDate | None = _fact(
        "立项批复日期", "Date the project was approved.", Stage.approval
    )
    publicity_started_on: IsoDate | None = _fact(
        "公示开始日期", "First day of the public notice.", Stage.approval
    )
    publicity_ended_on: IsoDate | None = _fact(
        "公示结束日期", "Last day of the public notice.", Stage.approval
    )
    technical_plan_submitted_on: IsoDate | None = _fact(
        "技术方案报送日期", "Date the technical plan was submitted.", Stage.design_review
    )
    technical_review_completed_on: IsoDate | None = _fact(
        "技术审查完成日期", "Date the technical review opinion was issued.", Stage.design_review
    )
    budget_review_submitted_on: IsoDate | None = _fact(
        "预算评审申报日期", "Date the budget review was applied for.", Stage.procurement
    )
    budget_review_completed_on: IsoDate | None = _fact(
        "预算评审完成日期", "Date the budget review was completed.", Stage.procurement
    )
    contract_signed_on: IsoDate | None = _fact(
        "合同签订日期", "Date the main contract was signed.", Stage.construction
    )
    construction_started_on: IsoDate | None = _fact(
        "开工日期", "Date construction started.", Stage.construction
    )
    construction_completed_on: IsoDate | None = _fact(
        "建设完成日期", "Date construction was completed.", Stage.trial_run
    )
    trial_run_started_on: IsoDate | None = _fact(
        "试运行开始日期", "First day of the trial run.", Stage.trial_run
    )
    trial_run_ended_on: IsoDate | None = _fact(
        "试运行结束日期", "Last day of the trial run.", Stage.acceptance
    )
    acceptance_applied_on: IsoDate | None = _fact(
        "验收申请日期", "Date acceptance was applied for.", Stage.acceptance
    )
    accepted_on: IsoDate | None = _fact("验收日期", "Date of the acceptance.", Stage.acceptance)
    operation_started_on: IsoDate | None = _fact(
        "投入运行日期", "Date the system went into operation.", Stage.operation
    )
    self_evaluation_submitted_on: IsoDate | None = _fact(
        "自评价报送日期", "Date the self-evaluation report was submitted.", Stage.operation
    )
    monitoring_report_submitted_on: IsoDate | None = _fact(
        "绩效监控报告报送日期",
        "Date the performance monitoring report for the plan year was submitted.",
        Stage.construction,
    )
    acceptance_materials_uploaded_on: IsoDate | None = _fact(
        "验收资料上报日期",
        "Date the acceptance materials were uploaded to the project management system.",
        Stage.operation,
    )
    contract_filed_on: IsoDate | None = _fact(
        "合同备案日期",
        "Date the signed procurement contract was filed with the IT authority.",
        Stage.construction,
    )
    approval_valid_until: IsoDate | None = _fact(
        "核准文件有效期届满日",
        "Last day on which the approval (核准文件) is valid; construction must start by then.",
        Stage.construction,
    )
    rectification_due_on: date | None = _fact(
        "整改期限",
        "Last day of the time limit set for rectifying a finding (限期整改) or for merging "
        "systems step by step (逐步归并); until then such a duty is due, not yet breached.",
        Stage.operation,
    )

    # --- documents ------------------------------------------------------------------------
    submitted_documents: frozenset[str] | None = _fact(
        "已提交材料",
        "Ids of the documents submitted so far, from the rule pack's document list.",
    )
