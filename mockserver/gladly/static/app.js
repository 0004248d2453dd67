// Fake Gladly UI: renders the /api JSON API. No framework, no network beyond this server.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const state = { config: null, profile: null, profiles: [], selectedExchange: null };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: method === "GET" ? {} : { "Content-Type": "application/json" },
    body: method === "GET" ? undefined : JSON.stringify(body || {}),
  });
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  refreshDebugger();
  if (!response.ok) {
    const error = new Error((data && data.error) || `The fake Gladly answered HTTP ${response.status}.`);
    error.field = data && data.field;
    error.status = response.status;
    error.data = data;
    throw error;
  }
  return data;
}

function showError(message) {
  const banner = $("#banner");
  banner.textContent = message;
  banner.hidden = !message;
}

async function guarded(button, work) {
  showError("");
  if (button) button.disabled = true;
  try { await work(); } catch (error) { showError(error.message); } finally { if (button) button.disabled = false; }
}

// -- profiles ---------------------------------------------------------------------------------------

async function loadProfiles(selectId) {
  state.profiles = (await api("GET", "/api/profiles")).profiles;
  const list = $("#profiles");
  list.replaceChildren(...state.profiles.map((p) => el("li", {
    class: state.profile && p.id === state.profile.id ? "active" : "", "data-test": "profile-item",
    onclick: () => guarded(null, async () => showProfile(await api("GET", `/api/profiles/${p.id}`))),
  }, el("span", { class: "clip", title: p.name, text: p.name }), p.linkedTo ? el("span", { class: "tag", text: "linked" }) : null)));
  if (selectId) showProfile(state.profiles.find((p) => p.id === selectId));
}

function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("") || "?";
}

function showProfile(profile) {
  state.profile = profile;
  $("#empty").hidden = true;
  $("#profile").hidden = false;
  $("#avatar").textContent = initials(profile.name);
  $("#p-name").textContent = profile.name;
  $("#p-name").title = profile.name;
  const external = profile.external || {};
  const emails = [...new Set([...profile.emails, ...(external.emails || []).map((e) => e.original)])];
  const phones = [...new Set([...profile.phones, ...(external.phones || []).map((p) => p.original)])];
  $("#p-contacts").textContent = [...emails, ...phones].join(" · ") || "No email or phone yet";
  $("#p-link").className = "link-state " + (profile.linkedTo ? "linked" : "unlinked");
  $("#p-link").textContent = profile.linkedTo ? `Linked to external customer ${profile.linkedTo}` : "Not linked to an external customer";
  $("#refresh").hidden = $("#unlink").hidden = !profile.linkedTo;
  renderProfileActions(external.actions || []);
  renderDetails(profile);
  renderCards(profile.cards || [], profile.unshownTransactions || 0);
  for (const li of document.querySelectorAll("#profiles li")) li.classList.toggle("active", li.textContent.startsWith(profile.name));
}

function renderProfileActions(actions) {
  const plus = $("#plus");
  plus.hidden = actions.length === 0;
  $("#plus-menu").replaceChildren(...actions.map((a) => el("li", { text: a.name, onclick: () => { $("#plus-menu").hidden = true; openAction(a); } })));
}

function renderDetails(profile) {
  const box = $("#details");
  const external = profile.external;
  box.hidden = !external && Object.keys(profile.customAttributes).length === 0;
  const attributes = { ...profile.customAttributes, ...((external && external.customAttributes) || {}) };
  const rows = [];
  if (external && external.name) rows.push(["Name", external.name]);
  if (external && external.address) rows.push(["Address", external.address]);
  for (const [key, value] of Object.entries(attributes)) rows.push([key, value]);
  box.replaceChildren(el("h3", { text: "Customer details" }),
    el("dl", {}, rows.map(([k, v]) => [el("dt", { text: k }), el("dd", { text: v, title: v })])));
}

// -- transaction cards ----------------------------------------------------------------------------

const fmtDate = (value) => {
  const date = new Date(value);
  return isNaN(date) ? (value || "") : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: value && value.length > 10 ? "short" : undefined });
};

function kv(pairs) {
  return el("dl", { class: "kv" }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]) =>
    [el("dt", { text: k }), el("dd", { title: String(v) }, v instanceof Node ? v : String(v))]));
}

function link(url, text) {
  return /^https?:\/\//.test(url || "") ? el("a", { href: url, target: "_blank", rel: "noopener", text: text || url }) : (text || url || "");
}

function txn(summary, body, test) {
  const item = el("div", { class: "txn", "data-test": test });
  item.append(el("div", { class: "txn-row", onclick: () => item.classList.toggle("open") }, el("span", { class: "caret", text: "›" }), summary),
    el("div", { class: "txn-body" }, body));
  return item;
}

function actionButtons(actions) {
  return (actions || []).length ? el("div", { class: "txn-actions" }, actions.map((a) =>
    el("button", { class: "ghost", text: a.name, "data-test": "order-action", onclick: (e) => { e.stopPropagation(); openAction(a); } }))) : null;
}

const RESERVED = {
  ORDER: ["type", "orderNumber", "createdAt", "orderStatus", "orderTotal", "currencyCode", "itemCount", "customerOrderUrl", "orderLink", "note", "products", "fulfillments", "billingAddress", "actions"],
  FLIGHT: ["type", "departureTime", "destination", "flightNumber", "origin", "pnrCode", "status"],
  STAY: ["type", "checkInTime", "checkOutTime", "timezone", "url", "title", "address", "neighborhood"],
  SUBSCRIPTION: ["type", "subscriptionId", "status", "createdAt", "updatedAt", "billingIntervalUnit", "billingIntervalNumber", "billingFrequency", "nextBillingAt", "cancellationDate", "cancellationReason", "quantity", "price", "products", "actions"],
};
// The extra attributes a card displays: those its configuration names (none by default), and on a
// GENERIC box everything it is sent unless the card names what to show.
let cardAttributes = null;
const extras = (t) => {
  if (cardAttributes === null) return Object.entries(t).filter(([k, v]) => !(RESERVED[t.type] || []).includes(k) && typeof v !== "object");
  return cardAttributes.filter((k) => k in t && typeof t[k] !== "object").map((k) => [k, t[k]]);
};

function orderItem(o) {
  const products = (o.products || []).map((p) => el("div", { class: "product", "data-test": "product" },
    p.imageUrl ? el("img", { src: p.imageUrl, alt: "", loading: "lazy", onerror: (e) => e.target.replaceWith(el("div", { class: "thumb" })) }) : el("div", { class: "thumb" }),
    el("div", { class: "wrap grow" }, el("div", { title: p.name, text: p.name || "(unnamed product)" }),
      el("div", { class: "muted", text: [p.sku, p.quantity && `× ${p.quantity}`, p.unitPrice].filter(Boolean).join(" · ") })),
    p.status ? el("span", { class: `chip ${p.status}`, text: p.status }) : null));
  const shipments = (o.fulfillments || []).map((f) => el("div", { class: "fulfillment", "data-test": "fulfillment" }, kv([
    ["Carrier", f.carrier], ["Tracking", f.trackingUrl ? link(f.trackingUrl, f.trackingNumber || "Track") : f.trackingNumber],
    ["Status", f.status], ["Speed", f.shippingSpeed], ["Estimated delivery", f.estimatedDeliveryDate && fmtDate(f.estimatedDeliveryDate)],
    ["Ship to", f.shippingAddress && [f.shippingAddress.street1, f.shippingAddress.city, f.shippingAddress.state, f.shippingAddress.zip].filter(Boolean).join(", ")],
  ])));
  return txn([el("span", { class: "main", title: `Order ${o.orderNumber || ""}` }, el("b", { text: `Order ${o.orderNumber || "(no number)"}` }), " ", el("span", { class: "muted", text: fmtDate(o.createdAt) })),
    el("span", { text: o.orderTotal || "" }), o.orderStatus ? el("span", { class: `chip ${String(o.orderStatus).toLowerCase()}`, text: o.orderStatus }) : null],
  [kv([["Items", o.itemCount], ["Order page", o.customerOrderUrl && link(o.customerOrderUrl, "Customer view")], ["Admin", o.orderLink && link(o.orderLink, "Open in OMS")], ["Note", o.note], ...extras(o)]),
    products.length ? el("div", { class: "products" }, products) : null, shipments, actionButtons(o.actions)], "order");
}

function flightItem(f) {
  return txn([el("span", { class: "main" }, el("b", { text: `${f.origin || "?"} → ${f.destination || "?"}` }), " ", el("span", { class: "muted", text: f.flightNumber || "" })),
    el("span", { class: "muted", text: fmtDate(f.departureTime) }), f.status ? el("span", { class: "chip", text: f.status }) : null],
  kv([["Departure", fmtDate(f.departureTime)], ["Flight", f.flightNumber], ["PNR", f.pnrCode], ["Status", f.status], ...extras(f)]), "flight");
}

function stayItem(s) {
  return txn([el("span", { class: "main", title: `${s.title || ""} · ${s.address || ""} ${s.neighborhood || ""}` }, el("b", { text: s.title || "Stay" }), " ", el("span", { class: "muted", text: s.neighborhood || "" })),
    el("span", { class: "muted", text: `${fmtDate(s.checkInTime)} – ${fmtDate(s.checkOutTime)}` })],
  kv([["Check-in", fmtDate(s.checkInTime)], ["Check-out", fmtDate(s.checkOutTime)], ["Time zone", s.timezone], ["Address", s.address], ["Neighborhood", s.neighborhood], ["Reservation", s.url && link(s.url)], ...extras(s)]), "stay");
}

function subscriptionItem(s) {
  const product = (s.products || [])[0] || {};
  return txn([el("span", { class: "main" }, el("b", { text: product.name || s.subscriptionId || "Subscription" }), " ", el("span", { class: "muted", text: s.billingFrequency || "" })),
    el("span", { class: `chip ${String(s.status || "").toLowerCase().replace(/[^a-z]+/g, "_")}`, text: s.status || "no status" })],
  [kv([["Status", s.status], ["Billing frequency", s.billingFrequency], ["Next billing", s.nextBillingAt && fmtDate(s.nextBillingAt)], ["Price", s.price], ["Quantity", s.quantity],
    ["Started", s.createdAt && fmtDate(s.createdAt)], ["Canceled", s.cancellationDate && fmtDate(s.cancellationDate)], ["Reason", s.cancellationReason], ["Subscription", s.subscriptionId], ...extras(s)]),
  actionButtons(s.actions)], "subscription");
}

function renderCards(cards, unshown) {
  const render = { ORDER: orderItem, FLIGHT: flightItem, STAY: stayItem, SUBSCRIPTION: subscriptionItem };
  const note = unshown ? el("p", { class: "muted", "data-test": "unshown", text: `${unshown} transaction(s) match no configured card, so Gladly would not show them (see Cards).` }) : null;
  $("#cards").replaceChildren(...cards.map((card) => {
    cardAttributes = card.attributes;
    const section = el("section", { class: "tcard", "data-test": `card-${card.type}`, "data-card": card.id }, el("h2", { text: card.label, title: card.label, "data-test": "card-label" }));
    if (card.type === "GENERIC") {
      section.append(el("div", { class: "generic" }, card.items.map((g) => el("div", { class: "box", "data-test": "generic" },
        kv(extras(g).filter(([k]) => k !== "type"))))));
    } else if (card.groups) {
      for (const group of card.groups) {
        if (!group.items.length) continue;
        section.append(el("div", { class: "group-label", text: group.label, "data-test": "group-label" }), ...group.items.map(render[card.type]));
      }
    } else {
      section.append(...card.items.map(render[card.type]));
    }
    return section;
  }), ...(note ? [note] : []));
  cardAttributes = null;
}

// -- linking ----------------------------------------------------------------------------------------

function decision(ok, text) {
  const box = $("#decision");
  box.hidden = false;
  box.className = "decision " + (ok ? "ok" : "no");
  box.textContent = text;
}

function openLinkPanel() {
  const panel = $("#link-panel");
  panel.hidden = !panel.hidden;
  const form = $("#search-form");
  form.replaceChildren(...state.config.searchAttributes.map((attr) => el("label", {}, attr, el("input", { name: attr, "data-test": `search-${attr}` }))),
    el("button", { text: "Search", "data-test": "search" }));
}

async function runSearch(event) {
  event.preventDefault();
  const query = Object.fromEntries(new FormData(event.target));
  await guarded(event.submitter, async () => {
    const found = await api("POST", `/api/profiles/${state.profile.id}/search`, { query });
    const table = $("#results");
    table.hidden = found.rows.length === 0;
    $("#no-results").hidden = found.rows.length > 0;
    table.tHead.replaceChildren(el("tr", {}, found.columns.map((c) => el("th", { text: c })), el("th")));
    table.tBodies[0].replaceChildren(...found.rows.map((row) => el("tr", {}, found.columns.map((c) => el("td", { text: row.columns[c], title: row.columns[c] })),
      el("td", {}, el("button", { text: "Link", "data-test": "link-result", onclick: (e) => guarded(e.target, async () => {
        const linked = await api("POST", `/api/profiles/${state.profile.id}/link`, { externalCustomerId: row.externalCustomerId });
        $("#link-panel").hidden = true;
        decision(true, `Linked to external customer ${row.externalCustomerId}.`);
        showProfile(linked.profile);
        await loadProfiles();
      }) })))));
  });
}

// -- actions ----------------------------------------------------------------------------------------

function inputFor(section) {
  const input = section.input || {};
  const name = section.attr;
  if (input.type === "select") {
    return el("select", { name, required: input.optional === false || undefined },
      el("option", { value: "", text: input.placeholder || "Choose…" }),
      (input.options || []).map((o) => el("option", { value: o.value, text: o.text, selected: section.defaultValue === o.value || undefined })));
  }
  if (input.type === "checkbox") {
    return el("label", { class: "check" }, el("input", { type: "checkbox", name, checked: section.defaultValue === true || undefined, style: "width:auto" }), " ", input.text || "");
  }
  return el("input", { name, value: section.defaultValue ?? "" });
}

async function openAction(action) {
  await guarded(null, async () => {
    const { form } = await api("POST", `/api/profiles/${state.profile.id}/actions/form`, { formUrl: action.formUrl });
    const dialog = $("#action-dialog");
    const body = $("#action-form");
    const fields = (form.sections || []).map((s) => s.type === "text" ? el("p", { text: s.text }) :
      el("div", { class: "field", "data-attr": s.attr }, el("label", {}, s.label || s.attr,
        (s.input || {}).optional === false || s.hint === "required" ? el("span", { class: "required", text: " *" }) : null),
      inputFor(s), s.hint ? el("div", { class: "hint", text: s.hint }) : null, el("div", { class: "field-error" })));
    const result = el("div", { "data-test": "action-result" });
    const submit = el("button", { type: "submit", value: "submit", text: form.submitButton || "Submit", "data-test": "action-submit" });
    body.replaceChildren(el("h2", { text: form.title || action.name }), result, ...fields,
      el("div", { class: "dialog-actions" }, el("button", { type: "button", class: "ghost", text: form.closeButton || "Close", onclick: () => dialog.close() }), submit));
    body.onsubmit = (event) => {
      event.preventDefault();
      const values = {};
      for (const s of form.sections || []) {
        if (s.type !== "input") continue;
        const control = body.elements[s.attr];
        values[s.attr] = control.type === "checkbox" ? control.checked : control.value;
      }
      guarded(submit, async () => {
        const answer = await api("POST", `/api/profiles/${state.profile.id}/actions/submit`, { actionUrl: form.actionUrl, values });
        for (const box of body.querySelectorAll(".field-error")) box.textContent = "";
        if (answer.ok) {
          result.className = "result-ok";
          result.textContent = `${answer.message}${answer.detail ? " — " + answer.detail : ""}`;
          showProfile(answer.profile);
          submit.disabled = true;
          setTimeout(() => dialog.open && dialog.close(), 1500);
          return;
        }
        const general = [];
        for (const error of answer.errors) {
          const box = error.attr && body.querySelector(`[data-attr="${CSS.escape(error.attr)}"] .field-error`);
          if (box) box.textContent = error.detail || error.message || "Invalid value";
          else general.push([error.message, error.detail].filter(Boolean).join(": "));
        }
        result.className = general.length ? "result-err" : "";
        result.textContent = general.join(" · ");
        if (answer.dismiss) setTimeout(() => dialog.open && dialog.close(), 2500);
      });
    };
    dialog.showModal();
  });
}

// -- debugger ---------------------------------------------------------------------------------------

async function refreshDebugger() {
  const response = await fetch("/api/debugger");
  if (!response.ok) return;
  const { exchanges } = await response.json();
  $("#debug-count").textContent = exchanges.length;
  if ($("#debugger").hidden) return;
  $("#exchanges").replaceChildren(...exchanges.slice().reverse().map((x) => el("li", {
    class: state.selectedExchange === x.id ? "active" : "", "data-test": "exchange", onclick: () => { state.selectedExchange = x.id; showExchange(x); refreshDebugger(); },
  }, el("div", {}, el("span", { class: "status", text: x.status ?? "—" }), ` ${x.kind} · ${x.method} · ${x.elapsedMs} ms`),
  el("div", { class: x.findings.length ? "" : "muted", text: x.findings.length ? `${x.findings.length} finding(s): ${[...new Set(x.findings.map((f) => f.rule))].join(", ")}` : "no findings" }))));
  const current = exchanges.find((x) => x.id === state.selectedExchange) || exchanges[exchanges.length - 1];
  if (current) showExchange(current);
}

function showExchange(x) {
  const headers = (h) => Object.entries(h).map(([k, v]) => `${k}: ${v}`).join("\n");
  $("#exchange").replaceChildren(el("div", {},
    el("div", { class: "row", style: "display:flex;gap:8px;align-items:center" }, el("b", { text: `${x.method} ${x.url}` }),
      el("button", { class: "ghost", text: "Copy reproduce command", "data-test": "copy-reproduce", onclick: async (e) => {
        try { await navigator.clipboard.writeText(x.reproduce); e.target.textContent = "Copied"; } catch { e.target.textContent = "Select it below"; }
      } })),
    x.error ? el("div", { class: "finding", text: x.error }) : null,
    x.findings.map((f) => el("div", { class: `finding ${f.severity}`, "data-test": "finding" }, el("b", { text: `${f.severity.toUpperCase()} ${f.rule}` }), ` at ${f.path || "(root)"}`, el("div", { text: f.message.split("\n")[0] }))),
    el("div", { class: "pair" }, el("div", {}, "Request", el("pre", { text: `${headers(x.requestHeaders)}\n\n${pretty(x.requestBody)}` })),
      el("div", {}, `Response ${x.status ?? ""} in ${x.elapsedMs} ms`, el("pre", { "data-test": "log-response", text: `${headers(x.responseHeaders)}\n\n${pretty(x.responseBody)}` }))),
    el("div", {}, "Reproduce", el("pre", { "data-test": "reproduce", text: x.reproduce || "(body too large to inline)" }))));
}

// -- wiring -----------------------------------------------------------------------------------------

async function main() {
  state.config = await api("GET", "/api/config");
  $("#adapter-url").textContent = `Adapter: ${state.config.adapterUrl}${state.config.signed ? " (signed)" : ""}`;
  $("#new-profile").onclick = () => { $("#profile-form").hidden = false; $("#profile-form").name.focus(); };
  $("#cancel-profile").onclick = () => { $("#profile-form").hidden = true; };
  $("#profile-form").onsubmit = (event) => {
    event.preventDefault();
    const form = event.target;
    const attributes = Object.fromEntries(form.attributes.value.split("\n").map((l) => l.split("=")).filter((p) => p.length === 2 && p[0].trim()).map(([k, v]) => [k.trim(), v.trim()]));
    guarded(event.submitter, async () => {
      const created = await api("POST", "/api/profiles", { name: form.name.value, emails: form.emails.value, phones: form.phones.value, customAttributes: attributes });
      form.reset();
      form.hidden = true;
      $("#decision").hidden = true;
      await loadProfiles(created.id);
    });
  };
  $("#autolink").onclick = (e) => guarded(e.target, async () => {
    const result = await api("POST", `/api/profiles/${state.profile.id}/autolink`);
    decision(result.linked, result.reason);
    showProfile(result.profile);
    await loadProfiles();
  });
  $("#open-link").onclick = openLinkPanel;
  $("#search-form").onsubmit = runSearch;
  $("#refresh").onclick = (e) => guarded(e.target, async () => showProfile((await api("POST", `/api/profiles/${state.profile.id}/refresh`)).profile));
  $("#unlink").onclick = (e) => guarded(e.target, async () => { showProfile((await api("POST", `/api/profiles/${state.profile.id}/unlink`)).profile); await loadProfiles(); });
  $("#plus").onclick = () => { $("#plus-menu").hidden = !$("#plus-menu").hidden; };
  $("#toggle-sidekick").onclick = openSidekick;
  $("#chat-form").onsubmit = answer;
  $("#toggle-reports").onclick = toggleReports;
  $("#toggle-cards").onclick = toggleCards;
  $("#toggle-debugger").onclick = () => { $("#debugger").hidden = !$("#debugger").hidden; refreshDebugger(); };
  for (const tab of document.querySelectorAll("[data-tab]")) tab.onclick = () => debugTab(tab.dataset.tab);
  setUpTool();
  setUpCards();
  $("#clear-debug").onclick = async () => { await api("POST", "/api/debugger/clear"); $("#exchange").replaceChildren(); refreshDebugger(); };
  for (const button of document.querySelectorAll("[data-close]")) button.onclick = () => { $("#" + button.dataset.close).hidden = true; };
  await loadProfiles();
  document.body.dataset.ready = "true";  // every control is wired: what tests wait for
}

main().catch((error) => showError(`The fake Gladly could not start: ${error.message}`));
