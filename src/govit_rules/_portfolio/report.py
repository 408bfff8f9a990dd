"""The HTML report of an audit or a simulation: one self-contained file, charts included.

Owns :func:`audit_report` and :func:`simulation_report`. Charts are drawn by matplotlib
(object API, no global state) and inlined as SVG whose text the browser sets, so Chinese
labels show in any browser with a CJK font; the page loads nothing from the network. Every
value shown comes from the :class:`~.audit.Audit` tables; all text is HTML-escaped.
"""

from __future__ import annotations

import html
import io
import itertools
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import polars as pl
from matplotlib.figure import Figure

from .._vocab.verdict import Status
from .audit import Audit
from .simulate import Simulation

__all__ = ["audit_report", "simulation_report"]

_OUTCOME_COLOURS = {
    "compliant": "#2e7d32",
    "needs_information": "#f9a825",
    "non_compliant": "#ef6c00",
    "prohibited": "#c62828",
    "not_applicable": "#9e9e9e",
    "not_in_force": "#616161",
}
_STATUS_COLOURS = {
    Status.met.value: "#2e7d32",
    Status.upcoming.value: "#1565c0",
    Status.missed.value: "#c62828",
    Status.too_early.value: "#ad1457",
    Status.unknown.value: "#f9a825",
}
_PALETTE = [
    "#1565c0",
    "#2e7d32",
    "#ef6c00",
    "#6a1b9a",
    "#c62828",
    "#00838f",
    "#9e9d24",
    "#5d4037",
    "#546e7a",
    "#ad1457",
]
# Money bands for the approval chart (万元); the shipped packs' limits fall on these edges.
_BANDS = [0, 50, 100, 200, 300, 500, 1000, 2000, float("inf")]
_FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "DejaVu Sans"]

_CSS = """
body{font-family:system-ui,-apple-system,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:2rem auto;max-width:1200px;color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px
solid #ddd;padding-bottom:.3rem}.meta{color:#666}.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #ddd;border-radius:8px;padding:.7rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.6rem}.grid{display:grid;grid-template-columns:1fr 1fr;
gap:1rem}.grid>div{min-width:0}svg{max-width:100%;height:auto}table{border-collapse:collapse;
font-size:.85rem;margin:.5rem 0}td,th{border-bottom:1px solid #eee;padding:.25rem .6rem;
text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
"""


def _svg(draw: Callable[[Any], None], height: float = 3.4, width: float = 7.0) -> str:
    import matplotlib

    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",
            "font.family": "sans-serif",
            "font.sans-serif": _FONTS,
            "font.size": 9,
        }
    ):
        fig = Figure(figsize=(width, height))
        ax = fig.add_subplot()
        draw(ax)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = re.sub(r"<metadata>.*?</metadata>", "", buf.getvalue(), flags=re.S)
    return text[text.index("<svg") :]


def _empty(ax: Any, what: str) -> None:
    ax.text(0.5, 0.5, f"no {what}", ha="center", va="center", transform=ax.transAxes, color="#888")
    ax.set_xticks([])
    ax.set_yticks([])


def _outcomes_chart(a: Audit) -> str:
    def draw(ax: Any) -> None:
        t = a.outcomes
        if not t.height:
            return _empty(ax, "projects")
        js = t["jurisdiction"].unique(maintain_order=True).to_list()
        left = [0] * len(js)
        for outcome, colour in _OUTCOME_COLOURS.items():
            counts = [
                int(
                    t.filter((pl.col("jurisdiction") == j) & (pl.col("outcome") == outcome))[
                        "projects"
                    ].sum()
                )
                for j in js
            ]
            if any(counts):
                ax.barh(js, counts, left=left, color=colour, label=outcome.replace("_", " "))
                left = [x + c for x, c in zip(left, counts, strict=True)]
        ax.invert_yaxis()
        ax.set_xlabel("projects")
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=6, fontsize=8, frameon=False
        )
        ax.set_title("Outcomes by jurisdiction")

    return _svg(draw, height=1.8 + 0.45 * a.outcomes["jurisdiction"].n_unique())


def _articles_chart(a: Audit, top: int = 15) -> str:
    t = a.violated.head(top)

    def draw(ax: Any) -> None:
        if not t.height:
            return _empty(ax, "violations")
        many = t["jurisdiction"].n_unique() > 1
        labels = [
            f"{r['article_zh']} {r['article_en']}" + (f" · {r['jurisdiction']}" if many else "")
            for r in t.iter_rows(named=True)
        ]
        ax.barh(labels, t["projects"].to_list(), color="#c62828")
        ax.invert_yaxis()
        ax.set_xlabel("projects violating (incl. deadlines missed or acted on too early)")
        ax.set_title(f"Articles most often violated (top {top})")

    return _svg(draw, height=1.2 + 0.28 * max(t.height, 1))


def _approval_chart(a: Audit, route: str = "project_approval") -> str:
    col = f"approver:{route}"

    def draw(ax: Any) -> None:
        if col not in a.results.columns or a.results[col].null_count() == a.results.height:
            return _empty(ax, f"{route} routes")
        many = len(a.packs) > 1
        names = {
            (j, who): (f"{j} · " if many else "")
            + f"{p.authorities[who][0]} {p.authorities[who][1]}"
            for j, p in a.packs.items()
            for who in p.authorities
        }
        frame = pl.DataFrame(
            {"j": a.results["jurisdiction"], "who": a.results[col], "money": a.money}
        ).drop_nulls()
        labels = [_band_label(lo, hi) for lo, hi in itertools.pairwise(_BANDS)]
        band = frame["money"].cut(_BANDS[1:-1], labels=labels, left_closed=True)
        frame = frame.with_columns(band.cast(pl.Utf8).alias("band"))
        bottom = [0] * len(labels)
        present = set(frame.select("j", "who").iter_rows())
        order = _final_approvers(a)
        order += sorted(present - set(order))
        for key in (k for k in order if k in present):
            sub = frame.filter((pl.col("j") == key[0]) & (pl.col("who") == key[1]))["band"]
            counts = sub.value_counts()
            got = dict(zip(counts["band"].to_list(), counts["count"].to_list(), strict=True))
            heights = [got.get(lb, 0) for lb in labels]
            colour = _PALETTE[order.index(key) % len(_PALETTE)]
            ax.bar(labels, heights, bottom=bottom, label=names.get(key, key[1]), color=colour)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        ax.tick_params(axis="x", labelrotation=30)
        ax.set_xlabel("total investment (万元), band includes its lower limit")
        ax.set_ylabel("projects")
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.set_title(f"Final approver by amount ({route})")

    return _svg(draw, width=9.0)


def _final_approvers(a: Audit) -> list[tuple[str, str]]:
    """Every (jurisdiction, authority) that ends an approval route, in pack order.

    Colours follow this order, so the same authority has the same colour in every chart,
    before and after a reform.
    """
    out: list[tuple[str, str]] = []
    for j, pack in a.packs.items():
        for rule in pack.rules:
            if rule.kind != "route":
                continue
            for who, action in rule.steps:
                if action in ("decide", "approve") and (j, who) not in out:
                    out.append((j, who))
    return out


def _band_label(lo: float, hi: float) -> str:
    return f"≥{lo:g}" if hi == float("inf") else f"{lo:g}–{hi:g}"


def _deadline_chart(a: Audit) -> str:
    t = a.deadlines.drop_nulls("due")

    def draw(ax: Any) -> None:
        if not t.height:
            return _empty(ax, "dated deadlines")
        months = t.with_columns(pl.col("due").dt.truncate("1mo").alias("month"))
        first, last = months["month"].min(), months["month"].max()
        assert isinstance(first, date) and isinstance(last, date)
        x = pl.date_range(first, last, "1mo", eager=True).to_list()
        bottom = [0] * len(x)
        for status, colour in _STATUS_COLOURS.items():
            sub = months.filter(pl.col("status") == status)["month"].value_counts()
            counts = dict(zip(sub["month"].to_list(), sub["count"].to_list(), strict=True))
            heights = [counts.get(m, 0) for m in x]
            if any(heights):
                ax.bar(
                    x,
                    heights,
                    width=25,
                    bottom=bottom,
                    color=colour,
                    label=status.replace("_", " "),
                )
                bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        ax.axvline(a.as_of, color="#222", linewidth=1, linestyle="--")
        ax.text(a.as_of, max(bottom) if bottom else 1, f" as of {a.as_of}", fontsize=8, va="top")
        ax.set_ylabel("deadlines due")
        ax.legend(fontsize=8, frameon=False, loc="upper left")
        ax.set_title("Deadlines over the calendar (by month due)")

    return _svg(draw)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric_last: bool = True) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for r in rows:
        cells = []
        for n, v in enumerate(r):
            cls = ' class="n"' if numeric_last and n == len(r) - 1 else ""
            cells.append(f"<td{cls}>{html.escape('—' if v is None else str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"{body}</body></html>\n"
    )


def _cards(items: Sequence[tuple[str, Any]]) -> str:
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><b>{html.escape(str(v))}</b>{html.escape(k)}</div>'
            for k, v in items
        )
        + "</div>"
    )


def _audit_sections(a: Audit) -> dict[str, str]:
    return {
        "outcomes": _outcomes_chart(a),
        "articles": _articles_chart(a),
        "approvals": _approval_chart(a),
        "deadlines": _deadline_chart(a),
    }


def audit_report(a: Audit, *, title: str = "portfolio") -> str:
    """The HTML page of one audit."""
    packs = ", ".join(f"{p.id} {p.version} ({p.content_hash})" for p in a.packs.values())
    bad = a.outcomes.filter(pl.col("outcome").is_in(["prohibited", "non_compliant"]))
    charts = _audit_sections(a)
    body = [
        f"<h1>Audit · {html.escape(title)}</h1>",
        f'<p class="meta">{a.projects} projects judged as of {a.as_of} · packs: '
        f"{html.escape(packs)}</p>",
        _cards(
            [
                ("projects", a.projects),
                ("prohibited or non-compliant", int(bad["projects"].sum())),
                ("deadlines missed", int(a.missed()["projects"].sum())),
            ]
        ),
        "<h2>Outcomes</h2>",
        charts["outcomes"],
        _table(["jurisdiction", "outcome", "projects"], list(a.outcomes.iter_rows())),
        "<h2>Articles most often violated</h2>",
        charts["articles"],
        _table(
            ["jurisdiction", "article", "", "rules", "projects"],
            list(a.violated.head(30).iter_rows()),
        ),
        "<h2>Approvals</h2>",
        charts["approvals"],
        _table(
            ["jurisdiction", "route", "authority", "", "", "projects"],
            list(a.approvals.iter_rows()),
        ),
        "<h2>Deadlines</h2>",
        charts["deadlines"],
        _table(
            ["jurisdiction", "rule", "article", "projects missing it"], list(a.missed().iter_rows())
        ),
    ]
    return _page(f"Audit · {title}", "".join(body))


def simulation_report(s: Simulation, *, title: str = "portfolio") -> str:
    """The HTML page of one simulation: counts, changed projects, charts side by side."""
    r = s.reform
    before, after = _audit_sections(s.before), _audit_sections(s.after)
    ch = s.changes
    shown = [c for c in ch.columns if not c.endswith("_changed")]
    body = [
        f"<h1>Reform {html.escape(r.id)} · {html.escape(title)}</h1>",
        f"<p>{html.escape(r.title_zh)} / {html.escape(r.title_en)}</p>",
        f'<p class="meta">{s.projects} projects judged as of {s.as_of}</p>',
        _cards(
            [("projects", s.projects)]
            + [(f"change {w}", s.count(w)) for w in ("outcome", "approver", "deadline")]
        ),
    ]
    for key, name in (
        ("outcomes", "Outcomes"),
        ("approvals", "Approvals"),
        ("articles", "Articles violated"),
        ("deadlines", "Deadlines"),
    ):
        body.append(f"<h2>{name}: before · after</h2>")
        body.append(f'<div class="grid"><div>{before[key]}</div><div>{after[key]}</div></div>')
    body.append(f"<h2>Changed projects (first {min(ch.height, 500)} of {ch.height})</h2>")
    body.append(_table(shown, list(ch.head(500).select(shown).iter_rows()), numeric_last=False))
    return _page(f"Reform {r.id} · {title}", "".join(body))
