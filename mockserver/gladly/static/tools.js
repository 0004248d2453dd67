// Gladly's debugger tool (find the profile, run a workflow, show every request and response) and
// the card configuration editor. Loaded before app.js, whose helpers these functions call.
"use strict";

// JSON as people read it: indented, and non-ASCII as itself (never \u52a0).
function pretty(text) {
  if (!text) return "";
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

function headerLines(h) {
  return Object.entries(h || {}).map(([k, v]) => `${k}: ${v}`).join("\n");
}

function exchangeView(x) {
  return el("div", { class: "step", "data-test": "tool-step" },
    el("div", { class: "step-head" }, el("span", { class: "status", text: x.status ?? "—" }),
      el("b", { text: ` ${x.kind === "detailed" ? "DETAILED" : "BASIC"} · ${x.kind}` }), el("span", { class: "muted", text: ` · ${x.elapsedMs} ms`, "data-test": "tool-timing" })),
    x.error ? el("div", { class: "finding", text: x.error }) : null,
    x.findings.map((f) => el("div", { class: `finding ${f.severity}`, "data-test": "finding" }, el("b", { text: `${f.severity.toUpperCase()} ${f.rule}` }), ` at ${f.path || "(root)"}`, el("div", { text: f.message.split("\n")[0] }))),
    el("div", { class: "pair" },
      el("div", {}, `Request: ${x.method} ${x.url}`, el("pre", { "data-test": "tool-request", text: `${headerLines(x.requestHeaders)}\n\n${pretty(x.requestBody)}` })),
      el("div", {}, `Response ${x.status ?? ""} in ${x.elapsedMs} ms`, el("pre", { "data-test": "tool-response", text: `${headerLines(x.responseHeaders)}\n\n${pretty(x.responseBody)}` }))));
}

function debugTab(name) {
  for (const tab of ["log", "tool"]) {
    $(`#debug-${tab}`).hidden = tab !== name;
    $(`[data-tab=${tab}]`).classList.toggle("active", tab === name);
  }
  if (name === "log") refreshDebugger();
}

function setUpTool() {
  $("#tool-app").replaceChildren(el("option", { value: "adapter", text: `Lookup Adapter · ${state.config.adapterUrl}` }));
  $("#tool-form").onsubmit = (event) => {
    event.preventDefault();
    const form = event.target;
    guarded(event.submitter, async () => {
      const run = await api("POST", "/api/tools/lookup", { email: form.email.value, phone: form.phone.value, workflow: form.workflow.value });
      $("#tool-result").replaceChildren(
        el("p", { class: run.failed ? "result-err" : "result-ok", "data-test": "tool-outcome" },
          `${run.created ? "Created" : "Found"} profile “${run.profile.name}”. ${run.workflowName}: ${run.outcome}`),
        ...run.steps.map(exchangeView));
      showProfile(run.profile);
      await loadProfiles();
    });
  };
}

// -- the card configuration ---------------------------------------------------------------------------

async function toggleCards() {
  const panel = $("#cards-panel");
  panel.hidden = !panel.hidden;
  if (!panel.hidden) await guarded(null, async () => showCardConfig(await api("GET", "/api/cards")));
}

function showCardConfig(view) {
  $("#cards-text").value = view.toml;
  $("#cards-format").value = "toml";
  $("#cards-error").textContent = "";
  $("#cards-note").textContent = view.configured
    ? `${view.cards.length} configured card(s)${view.fromFile ? " from the --cards file" : ""}; default cards for: ${view.defaults.join(", ") || "none"}.`
    : "Gladly's defaults: one card per type, labelled with the count. Add [[card]] tables to change them.";
}

async function applyCards(body, button) {
  $("#cards-error").textContent = "";
  try {
    showCardConfig(await api("POST", "/api/cards", body));
    if (state.profile) showProfile(await api("GET", `/api/profiles/${state.profile.id}`));
  } catch (error) {
    $("#cards-error").textContent = error.message;
  } finally {
    if (button) button.disabled = false;
  }
}

function setUpCards() {
  $("#cards-apply").onclick = (e) => applyCards({ text: $("#cards-text").value, format: $("#cards-format").value }, e.target);
  $("#cards-reset").onclick = (e) => applyCards({ reset: true }, e.target);
}
