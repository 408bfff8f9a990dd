"""govit-rules: rules as code for Chinese government IT project regulations.

Load a regulation's YAML rule pack, check a project against it, and get a verdict whose
every finding cites its article::

    from govit_rules import evaluate
    verdict = evaluate({"total_investment": 1000, "delivery_mode": "self_build"}, "dazhou")
    verdict.outcome, verdict.final_approver(), verdict.cites("10(2)(iv)")
"""

from ._api import (
    boundaries,
    evaluate,
    evaluate_many,
    get_pack,
    jurisdictions,
    load_pack,
    pack_schema,
    project_schema,
    validate_project,
    what_if,
)
from ._engine.boundaries import Boundary
from ._engine.whatif import VerdictDiff
from ._law.calendar import WorkdayCalendar
from ._law.citation import Citation
from ._packs.loader import CompiledPack
from ._packs.registry import PackRegistry
from ._vocab.counterfactuals import Counterfactual
from ._vocab.project import (
    Component,
    DeliveryMode,
    FundingSource,
    PerformanceRating,
    Project,
    ProjectNature,
    Stage,
    SystemType,
    UnitLevel,
    UnitType,
)
from ._vocab.verdict import (
    DeadlineResult,
    Finding,
    Outcome,
    RequiredDocument,
    RouteResult,
    Status,
    Verdict,
)
from .errors import (
    CitationSyntaxError,
    GovitRulesError,
    InvalidArgumentError,
    PackError,
    PackNotFoundError,
    PortfolioError,
    Problem,
    ProjectValidationError,
    ReformError,
    ReteEncodingError,
    ReteUnavailableError,
    UnknownJurisdictionError,
    VerdictDetachedError,
)

__version__ = "0.1.0"

__all__ = [
    "Boundary",
    "Citation",
    "CitationSyntaxError",
    "CompiledPack",
    "Component",
    "Counterfactual",
    "DeadlineResult",
    "DeliveryMode",
    "Finding",
    "FundingSource",
    "GovitRulesError",
    "InvalidArgumentError",
    "Outcome",
    "PackError",
    "PackNotFoundError",
    "PackRegistry",
    "PerformanceRating",
    "PortfolioError",
    "Problem",
    "Project",
    "ProjectNature",
    "ProjectValidationError",
    "ReformError",
    "RequiredDocument",
    "ReteEncodingError",
    "ReteUnavailableError",
    "RouteResult",
    "Stage",
    "Status",
    "SystemType",
    "UnitLevel",
    "UnitType",
    "UnknownJurisdictionError",
    "Verdict",
    "VerdictDetachedError",
    "VerdictDiff",
    "WorkdayCalendar",
    "__version__",
    "boundaries",
    "evaluate",
    "evaluate_many",
    "get_pack",
    "jurisdictions",
    "load_pack",
    "pack_schema",
    "project_schema",
    "validate_project",
    "what_if",
]
