// The govit-rules workbench: browse a pack, try a project, compare jurisdictions.
// Plain JavaScript, no build step, no network beyond this service's own /v1 API.
"use strict";

const T = {
  zh: {
    skip: "跳到正文", jurisdiction: "地区", as_of: "判断日期", tab_pack: "办法", tab_project: "试算项目",
    tab_compare: "跨地区比较", facts: "项目事实", only_pack: "只显示本办法用到的事实",
    paste: "粘贴 YAML / JSON 项目", use_paste: "按粘贴内容判断", use_form: "改用表单",
    verdict: "判断结果", outcome: "结论", missing: "缺少的事实（可直接回答）", routes: "审批路径",
    findings: "按条款列出的发现", deadlines: "期限", documents: "应交材料",
    compare_help: "用“试算项目”中的同一项目，在所有地区并排比较。", run_compare: "比较全部地区",
    footer: "引用以条款编号为准；说明均为本项目自己的表述。", unknown: "未知", yes: "是", no: "否",
    general: "基本情况", rules: "规则", cases: "测试用例", encoded: "已编码", not_checkable: "不可检查",
    damaged: "原文受损", none: "无", final: "最终审定", working: "工作日", weekend: "周末",
    holiday: "节假日", makeup_workday: "调休上班", anchor: "起算日", due: "截止日",
    provisional: "暂定（超出日历数据）", submitted: "已提交", go_field: "到表单填写",
    articles_n: "条", rules_n: "条规则", cases_n: "个用例",
    applies: "适用", pack: "规则包", violations: "违反", missed: "逾期", missing_n: "缺少事实",
    interpretation: "解释说明", when: "适用条件", main: "要求", unless: "除外",
    statuses: { satisfied: "满足", violated: "违反", required: "待办", unknown: "未知", not_applicable: "不适用", out_of_scope: "不在范围内", met: "已按期", missed: "逾期", too_early: "过早", upcoming: "未到期" },
    outcomes: { compliant: "合规", non_compliant: "不合规", prohibited: "禁止", needs_information: "需补充信息", not_applicable: "不适用", not_in_force: "未生效" },
  },
  en: {
    skip: "Skip to content", jurisdiction: "Jurisdiction", as_of: "Judge at", tab_pack: "Regulation",
    tab_project: "Try a project", tab_compare: "Compare", facts: "Project facts",
    only_pack: "Only the facts this regulation reads", paste: "Paste a YAML / JSON project",
    use_paste: "Judge the pasted project", use_form: "Back to the form", verdict: "Verdict",
    outcome: "Outcome", missing: "Missing facts (answer here)", routes: "Approval route",
    findings: "Findings by article", deadlines: "Deadlines", documents: "Required documents",
    compare_help: "The project of “Try a project”, side by side in every jurisdiction.",
    run_compare: "Compare all jurisdictions",
    footer: "Citations by number; all explanations are in this project's own words.",
    unknown: "unknown", yes: "yes", no: "no", general: "General", rules: "Rules", cases: "Test cases",
    encoded: "encoded", not_checkable: "not checkable", damaged: "damaged text", none: "none",
    final: "final approver", working: "working day", weekend: "weekend", holiday: "holiday",
    makeup_workday: "make-up working day", anchor: "start", due: "due",
    provisional: "provisional (beyond the calendar data)", submitted: "submitted",
    go_field: "fill in the form", articles_n: "articles", rules_n: "rules",
    cases_n: "cases", applies: "Applies", pack: "Pack", violations: "Violations", missed: "Missed",
    missing_n: "Missing facts", interpretation: "Interpretation", when: "when", main: "requires",
    unless: "unless",
    statuses: { satisfied: "satisfied", violated: "violated", required: "required", unknown: "unknown", not_applicable: "not applicable", out_of_scope: "out of scope", met: "met", missed: "missed", too_early: "too early", upcoming: "upcoming" },
    outcomes: { compliant: "compliant", non_compliant: "non-compliant", prohibited: "prohibited", needs_information: "needs information", not_applicable: "not applicable", not_in_force: "not in force" },
  },
};

const state = {
  lang: (navigator.language || "zh").toLowerCase().startsWith("zh") ? "zh" : "en",
  jurisdictions: [], pack: null, schema: null, verdict: null, mode: "form", seq: 0, timer: null,
};
const urlLang = new URLSearchParams(location.search).get("lang");
if (urlLang === "zh" || urlLang === "en") state.lang = urlLang;

const $ = (sel) => document.querySelector(sel);
const t = (key) => T[state.lang][key] ?? key;
const statusText = (st) => T[state.lang].statuses[st] || st;
const both = (zh, en) => (state.lang === "zh" ? `${zh} / ${en}` : `${en} / ${zh}`);

function h(tag, attrs, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return node;
}

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch(path, init);
  const data = await res.json();
  if (!res.ok) throw data;
  return data;
}

// --- language, tabs --------------------------------------------------------------------------

function applyLang() {
  document.documentElement.lang = state.lang === "zh" ? "zh-Hans" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("#lang").textContent = state.lang === "zh" ? "English" : "中文";
  $("#lang").setAttribute("aria-pressed", String(state.lang === "en"));
  fillJurisdictions();
  if (state.pack) renderPack();
  if (state.schema) renderForm();
  if (state.verdict) renderVerdict(state.verdict);
}

function selectTab(tab) {
  for (const other of document.querySelectorAll("[role=tab]")) {
    const on = other === tab;
    other.setAttribute("aria-selected", String(on));
    other.tabIndex = on ? 0 : -1;
    $("#" + other.getAttribute("aria-controls")).hidden = !on;
  }
  tab.focus();
}

function setupTabs() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (ev) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[ev.key];
      if (step) { ev.preventDefault(); selectTab(tabs[(i + step + tabs.length) % tabs.length]); }
    });
  });
}

// --- the pack, as the regulation reads ---------------------------------------------------------

function fillJurisdictions() {
  const sel = $("#jurisdiction");
  const current = sel.value;
  sel.replaceChildren(...state.jurisdictions.map((j) =>
    h("option", { value: j.id, text: `${both(j.zh, j.en)} (${j.id})` })));
  if (current) sel.value = current;
}

async function loadPack() {
  const j = $("#jurisdiction").value;
  const asOf = $("#as-of").value;
  if (state.loaded === `${j}@${asOf}`) return; // nothing changed: keep the open articles
  state.loaded = `${j}@${asOf}`;
  const q = asOf ? `?as_of=${asOf}` : "";
  const [pack, schema] = await Promise.all([
    api(`/v1/packs/${j}${q}`),
    api(`/v1/schema/project?jurisdiction=${j}${asOf ? "&as_of=" + asOf : ""}`),
  ]);
  const keep = state.schema ? collect() : {};
  state.pack = pack;
  state.schema = schema;
  renderPack();
  renderForm(keep);
  schedule();
}

function statusBadges(a) {
  const out = [h("span", { class: `badge st-${a.status}`, text: t(a.status) })];
  if (a.damaged) out.push(h("span", { class: "badge st-damaged", text: t("damaged") }));
  return out;
}

function renderPack() {
  const p = state.pack;
  $("#pack-title").textContent = `${both(p.document.title.zh, p.document.title.en)} · ${p.version} · ${p.content_hash}`;
  $("#pack-summary").textContent =
    `${p.counts.articles} ${t("articles_n")} · ${p.counts.rules} ${t("rules_n")} · ${p.counts.cases} ${t("cases_n")}` +
    ` · ${p.document.in_force_from} – ${p.document.in_force_until || ""}`;
  const byNumber = new Map(p.articles.map((a) => [a.article, a]));
  const chapters = p.chapters.map((c) => h("section", { class: "chapter" },
    h("h2", { text: c.chapter === null ? "—" : both(`第${c.chapter}章 ${c.title.zh}`, `Chapter ${c.chapter} ${c.title.en}`) }),
    c.articles.map((n) => articleView(byNumber.get(n)))));
  $("#chapters").replaceChildren(...chapters);
}

function articleView(a) {
  const body = h("div", { class: "article-body" });
  const box = h("details", { class: "article", id: `art-${a.article}` },
    h("summary", {}, h("strong", { text: `${a.zh_number} ${a.title.zh}` }), " — ",
      `Art. ${a.article} ${a.title.en}`, ...statusBadges(a)),
    body);
  box.addEventListener("toggle", () => { if (box.open && !body.dataset.loaded) fillArticle(a, body); });
  return box;
}

async function fillArticle(a, body) {
  body.dataset.loaded = "1";
  if (a.damaged) body.append(h("p", { class: "st-damaged", text: `${t("damaged")}: ${a.damaged}` }));
  if (a.not_checkable) body.append(h("p", { class: "muted", text: `${t("not_checkable")}: ${a.not_checkable}` }));
  const j = $("#jurisdiction").value;
  const rules = await Promise.all(a.rules.map((id) => api(`/v1/packs/${j}/rules/${encodeURIComponent(id)}`)));
  if (rules.length) body.append(h("h4", { text: t("rules") }), ...rules.map(ruleView));
  if (a.cases.length) {
    body.append(h("h4", { text: `${t("cases")} (${a.cases.length})` }),
      h("ul", {}, a.cases.map((c) => h("li", {}, `${c.name} `, h("span", { class: "muted", text: `[${c.article}] ${c.file}:${c.line}` })))));
  }
}

function ruleView(r) {
  const msg = state.lang === "zh" ? r.message.zh : r.message.en;
  const conds = [["when", r.when], ["main", r.main], ["unless", r.unless]].filter(([, v]) => v);
  return h("div", { class: "rule" },
    h("div", {}, h("code", { text: r.id }), h("span", { class: "badge", text: r.kind }), " ",
      both(r.citation.zh, r.citation.en)),
    h("div", { text: msg }),
    conds.map(([k, v]) => h("div", {}, `${t(k)}: `, h("span", { class: "cond", text: v }))),
    r.steps.length ? stepsView(r.steps.map((s) => ({ zh: `${s.zh} ${s.action_zh}`, en: `${s.en} ${s.action}` }))) : null,
    r.deadline ? h("div", { class: "muted", text: `${r.deadline.anchor || ""} ${r.deadline.period}` }) : null,
    r.interpretation ? h("div", { class: "muted", text: `${t("interpretation")}: ${r.interpretation[state.lang]}` }) : null);
}

function stepsView(steps) {
  return h("ol", { class: "steps" }, steps.map((s) => h("li", { text: state.lang === "zh" ? s.zh : s.en })));
}

// --- the project form, generated from the schema ------------------------------------------------

function kindOf(prop) {
  const alts = (prop.anyOf || [prop]).filter((x) => x.type !== "null");
  const a = alts[0] || {};
  if (a.$ref) return { kind: "enum", def: a.$ref.split("/").pop() };
  if (a.type === "array" && a.items.format === "date") return { kind: "dates" };
  if (a.type === "array") return a.items.$ref ? { kind: "set", def: a.items.$ref.split("/").pop() } : { kind: "ids" };
  if (a.type === "boolean") return { kind: "bool" };
  if (a.type === "integer") return { kind: "int" };
  if (a.type === "number") return { kind: "decimal", max: a.maximum };
  if (a.format === "date") return { kind: "date" };
  return { kind: "text" };
}

function choicesOf(k) {
  if (k.kind === "ids") return state.pack.documents.map((d) => [d.id, both(d.zh, d.en)]);
  const def = state.schema.$defs[k.def];
  return def.enum.map((v) => [v, `${def["x-labels"]?.[v] || v} (${v})`]);
}

function control(name, prop, idPrefix) {
  const k = kindOf(prop);
  const id = `${idPrefix}-${name}`;
  const common = { id, "data-fact": name, "aria-label": `${prop.zh} ${name}` };
  if (k.kind === "bool") {
    return h("select", common, h("option", { value: "", text: t("unknown") }),
      h("option", { value: "true", text: t("yes") }), h("option", { value: "false", text: t("no") }));
  }
  if (k.kind === "enum") {
    return h("select", common, h("option", { value: "", text: t("unknown") }),
      choicesOf(k).map(([v, label]) => h("option", { value: v, text: label })));
  }
  if (k.kind === "set" || k.kind === "ids") {
    return h("div", { class: "choices", id, "data-fact": name, role: "group", "aria-label": `${prop.zh} ${name}` },
      choicesOf(k).map(([v, label]) => h("label", {}, h("input", { type: "checkbox", value: v }), label)));
  }
  if (k.kind === "date") return h("input", { ...common, type: "date" });
  if (k.kind === "dates") {
    return h("input", { ...common, type: "text", "data-dates": "1", placeholder: "2026-12-20, 2027-12-15" });
  }
  if (k.kind === "int") return h("input", { ...common, type: "number", step: "1" });
  if (k.kind === "decimal") {
    return h("input", { ...common, type: "text", inputmode: "decimal", pattern: "\\d+(\\.\\d+)?",
      placeholder: k.max === 100 ? "0–100 %" : "万元" });
  }
  return h("input", { ...common, type: "text" });
}

function readControl(node) {
  if (node.classList.contains("choices")) {
    const on = [...node.querySelectorAll("input:checked")].map((x) => x.value);
    return on.length ? on : undefined;
  }
  const v = node.value.trim();
  if (v === "") return undefined;
  if (node.tagName === "SELECT" && (v === "true" || v === "false")) return v === "true";
  if (node.type === "number") return Number.parseInt(v, 10);
  if (node.dataset.dates) return v.split(/[\s,|]+/).filter(Boolean); // every report's date
  return v; // decimals travel as text, so money stays exact
}

function writeControl(node, value) {
  if (node.classList.contains("choices")) {
    const on = new Set(value || []);
    for (const box of node.querySelectorAll("input")) box.checked = on.has(box.value);
    return;
  }
  node.value = value === undefined || value === null ? "" : String(value);
}

function renderForm(values) {
  const keep = values || collect();
  const props = state.schema.properties;
  const used = new Set(state.schema["x-pack-facts"] || []);
  const only = $("#only-pack").checked;
  const groups = new Map([["", []], ...state.schema["x-stages"].map((s) => [s.id, []])]);
  for (const [name, prop] of Object.entries(props)) groups.get(prop.stage || "")?.push([name, prop]);
  const stageZh = Object.fromEntries(state.schema["x-stages"].map((s) => [s.id, s.zh]));
  const sets = [];
  for (const [stage, fields] of groups) {
    const shown = fields.filter(([name]) => !only || used.has(name) || name === "stage");
    if (!shown.length) continue;
    const legend = stage ? both(stageZh[stage], stage.replace("_", " ")) : t("general");
    sets.push(h("fieldset", {}, h("legend", { text: legend }), shown.map(([name, prop]) => {
      const k = kindOf(prop);
      return h("div", { class: `field${k.kind === "set" || k.kind === "ids" ? " multi" : ""}` },
        h("label", { class: "lab", for: `f-${name}` }, h("span", { lang: "zh", text: prop.zh }), " ",
          h("code", { text: name }), h("span", { class: "desc", lang: "en", text: prop.description || "" })),
        control(name, prop, "f"));
    })));
  }
  $("#fields").replaceChildren(...sets);
  for (const [name, value] of Object.entries(keep)) {
    const node = document.getElementById(`f-${name}`);
    if (node) writeControl(node, value);
  }
  state.hidden = Object.fromEntries(Object.entries(keep).filter(([n]) => !document.getElementById(`f-${n}`)));
}

function collect() {
  const out = { ...(state.hidden || {}) };
  for (const node of document.querySelectorAll("#fields [data-fact]")) {
    const v = readControl(node);
    if (v === undefined) delete out[node.dataset.fact]; else out[node.dataset.fact] = v;
  }
  return out;
}

function setFact(name, value) {
  let node = document.getElementById(`f-${name}`);
  if (!node) { $("#only-pack").checked = false; renderForm(); node = document.getElementById(`f-${name}`); }
  if (node) writeControl(node, value);
  schedule(0);
}

// --- the verdict ------------------------------------------------------------------------------

function schedule(delay = 250) {
  clearTimeout(state.timer);
  state.timer = setTimeout(runEvaluate, delay);
}

async function runEvaluate() {
  if (!state.pack) return;
  const seq = ++state.seq;
  const body = { as_of: $("#as-of").value || undefined };
  if (state.mode === "text") body.project_text = $("#paste").value; else body.project = collect();
  try {
    const v = await api(`/v1/packs/${$("#jurisdiction").value}/evaluate`, body);
    if (seq !== state.seq) return;
    state.verdict = v;
    $("#errors").replaceChildren();
    renderVerdict(v);
  } catch (problem) {
    if (seq !== state.seq) return;
    showProblem(problem, "#errors");
  }
}

function showProblem(problem, where) {
  const lines = (problem.problems || []).map((p) => h("div", { class: "problem", text: p.text }));
  $(where).replaceChildren(h("p", { class: "problem", text: problem.detail || String(problem) }), ...lines);
}

function renderVerdict(v) {
  const out = $("#outcome");
  out.dataset.outcome = v.outcome;
  out.textContent = `${T[state.lang].outcomes[v.outcome] || v.outcome} (${v.outcome})`;
  renderMissing(v);
  renderRoutes(v);
  renderFindings(v);
  renderDeadlines(v);
  renderDocuments(v);
}

function renderMissing(v) {
  const props = state.schema.properties;
  const items = v.missing_facts.map((m) => {
    const prop = props[m.fact];
    if (!prop) return null;
    const k = kindOf(prop);
    let answer;
    if (k.kind === "set" || k.kind === "ids") {
      answer = h("button", { type: "button", text: t("go_field"),
        onclick: () => { setFact(m.fact, collect()[m.fact]); document.getElementById(`f-${m.fact}`)?.querySelector("input")?.focus(); } });
    } else {
      answer = control(m.fact, prop, "q");
      answer.addEventListener("change", () => setFact(m.fact, readControl(answer)));
    }
    return h("div", { class: "question" },
      h("label", { for: `q-${m.fact}` }, `${m.zh} (`, h("code", { text: m.fact }), `)? `),
      answer, h("span", { class: "muted", text: m.rules.slice(0, 3).join(", ") + (m.rules.length > 3 ? " …" : "") }));
  });
  $("#missing").replaceChildren(...(items.filter(Boolean).length ? items : [h("p", { class: "muted", text: t("none") })]));
}

function renderRoutes(v) {
  $("#routes").replaceChildren(...(v.approval_routes.length ? v.approval_routes.map((r) => h("div", { class: "route" },
    h("div", {}, h("strong", { text: both(r.title.zh, r.title.en) }), h("span", { class: `badge st-${r.status}`, text: statusText(r.status) }),
      " ", both(r.citation.zh, r.citation.en)),
    stepsView(r.steps.map((s) => ({ zh: `${s.authority_zh} ${s.action_zh}`, en: `${s.authority_en} ${s.action}` }))),
    r.final_approver ? h("div", { class: "muted", text: `${t("final")}: ${approverName(r)}` }) : null))
    : [h("p", { class: "muted", text: t("none") })]));
}

function approverName(route) {
  const step = route.steps.find((s) => s.authority === route.final_approver);
  return step ? both(step.authority_zh, step.authority_en) : route.final_approver;
}

function renderFindings(v) {
  const groups = new Map();
  for (const f of v.findings) {
    if (f.status === "not_applicable" || f.status === "out_of_scope") continue;
    const n = f.citation.article;
    if (!groups.has(n)) groups.set(n, []);
    groups.get(n).push(f);
  }
  const order = [...groups.keys()].sort((a, b) => a - b);
  $("#findings").replaceChildren(...order.map((n) => {
    const art = state.pack.articles.find((a) => a.article === n);
    return h("div", { class: "finding-group", id: `finding-art-${n}` },
      h("h4", { text: art ? both(`${art.zh_number} ${art.title.zh}`, `Art. ${n} ${art.title.en}`) : `Art. ${n}` }),
      groups.get(n).map((f) => h("div", { class: "finding" },
        h("span", { class: `badge st-${f.status}`, text: statusText(f.status) }), " ",
        h("span", { class: "cite", text: both(f.citation.zh, f.citation.en) }), " — ", f.message[state.lang])));
  }));
}

function renderDeadlines(v) {
  const shown = v.deadlines.filter((d) => d.status !== "not_applicable");
  const legend = h("div", { class: "legend" }, ["workday", "weekend", "holiday", "makeup_workday", "anchor", "due"].map((k) =>
    h("span", {}, h("span", { class: `day ${k}` }), t(k === "workday" ? "working" : k))));
  $("#deadlines").replaceChildren(...(shown.length ? [legend] : [h("p", { class: "muted", text: t("none") })]), ...shown.map((d) => {
    const box = h("div", { class: "deadline" },
      h("div", {}, h("span", { class: `badge st-${d.status}`, text: statusText(d.status) }), " ",
        both(d.citation.zh, d.citation.en), " — ", d.message[state.lang]),
      h("div", { class: "muted", text: `${d.period}: ${d.anchor_date || "?"} → ${d.due || d.latest || "?"}${d.provisional ? " · " + t("provisional") : ""}` }));
    if (d.occurrences && d.occurrences.length) {
      box.append(h("div", { class: "muted", text: d.occurrences.map((o) => `${o.year} ${statusText(o.status)} (${o.done_date || o.due})`).join(" · ") }));
    }
    const end = d.due || d.latest;
    if (d.anchor_date && end && !(d.occurrences && d.occurrences.length)) drawTimeline(box, d.anchor_date, end);
    return box;
  }));
}

async function drawTimeline(box, start, end) {
  const days = (Date.parse(end) - Date.parse(start)) / 86400000;
  if (!(days >= 0 && days <= 120)) return;
  try {
    const cal = await api(`/v1/calendar?jurisdiction=${$("#jurisdiction").value}&start=${start}&end=${end}`);
    box.append(h("div", { class: "timeline", role: "img", "aria-label": `${start} → ${end}` },
      cal.days.map((d) => h("span", {
        class: `day ${d.kind}${d.date === start ? " anchor" : ""}${d.date === end ? " due" : ""}`,
        title: `${d.date} ${t(d.kind === "workday" ? "working" : d.kind)}`,
      }))));
  } catch (_) { /* the timeline is an aid; the dates above stand */ }
}

function renderDocuments(v) {
  $("#documents").replaceChildren(...v.required_documents.map((d) => {
    const box = h("input", { type: "checkbox", id: `doc-${d.id}` });
    box.checked = d.submitted === true;
    box.addEventListener("change", () => {
      const have = new Set(collect().submitted_documents || []);
      if (box.checked) have.add(d.id); else have.delete(d.id);
      setFact("submitted_documents", [...have]);
    });
    return h("li", {}, box, h("label", { for: `doc-${d.id}` }, both(d.zh, d.en), " ",
      h("span", { class: "muted", text: `(${both(d.citation.zh, d.citation.en)})` })));
  }));
}

// --- compare --------------------------------------------------------------------------------

async function runCompare() {
  const body = { as_of: $("#as-of").value || undefined };
  if (state.mode === "text") body.project_text = $("#paste").value; else body.project = collect();
  try {
    const res = await api("/v1/compare", body);
    const rows = res.rows;
    const line = (label, cell) => h("tr", {}, h("th", { scope: "row", text: label }), rows.map((r) => h("td", {}, r.error ? (label === t("pack") ? r.error : "") : cell(r))));
    $("#compare").replaceChildren(h("table", { id: "compare-table" },
      h("thead", {}, h("tr", {}, h("th", {}), rows.map((r) => h("th", { scope: "col", text: r.jurisdiction })))),
      h("tbody", {},
        line(t("pack"), (r) => `${r.pack} ${r.version}`),
        line(t("applies"), (r) => (r.applies === null ? t("unknown") : r.applies ? t("yes") : t("no"))),
        line(t("outcome"), (r) => `${T[state.lang].outcomes[r.outcome] || r.outcome}`),
        line(t("routes"), (r) => (r.route ? [stepsView(r.route.steps.map((s) => ({ zh: `${s.authority_zh} ${s.action_zh}`, en: `${s.authority_en} ${s.action}` }))),
          h("div", { class: "muted", text: both(r.route.citation.zh, r.route.citation.en) })] : "—")),
        line(t("violations"), (r) => r.violations.map((x) => h("div", { text: `${x.rule} ${both(x.citation.zh, x.citation.en)}` }))),
        line(t("deadlines"), (r) => `${r.deadlines} · ${t("missed")}: ${r.missed.length}`),
        line(t("missing_n"), (r) => String(r.missing_facts.length)))));
  } catch (problem) {
    showProblem(problem, "#compare");
  }
}

// --- start ------------------------------------------------------------------------------------

async function start() {
  setupTabs();
  const today = new Date();
  $("#as-of").value = new URLSearchParams(location.search).get("as_of") ||
    `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
  state.jurisdictions = (await api("/v1/jurisdictions")).jurisdictions;
  applyLang();
  $("#lang").addEventListener("click", () => { state.lang = state.lang === "zh" ? "en" : "zh"; applyLang(); });
  $("#jurisdiction").addEventListener("change", loadPack);
  $("#as-of").addEventListener("change", loadPack);
  $("#only-pack").addEventListener("change", () => renderForm());
  $("#fields").addEventListener("input", () => { state.mode = "form"; schedule(); });
  $("#fields").addEventListener("change", () => { state.mode = "form"; schedule(); });
  $("#use-paste").addEventListener("click", () => { state.mode = "text"; schedule(0); });
  $("#use-form").addEventListener("click", () => { state.mode = "form"; schedule(0); });
  $("#run-compare").addEventListener("click", runCompare);
  await loadPack();
  document.body.dataset.ready = "1";
}

start().catch((problem) => showProblem(problem, "#errors"));
