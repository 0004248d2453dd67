// Sidekick's Self-Service Thread ("Where is my order?"), the dev outbox and the Threads report.
// Loaded before app.js, whose helpers ($, el, api, link, fmtDate) these functions call.
"use strict";

const thread = { id: null, step: null };

function say(text, mine = false, node = null) {
  const chat = $("#chat");
  chat.append(node || el("div", { class: "msg" + (mine ? " me" : ""), text }));
  chat.scrollTop = chat.scrollHeight;
}

function bot(text, test) {
  say("", false, el("div", { class: "msg", text, "data-test": test }));
}

function openSidekick() {
  const panel = $("#sidekick");
  panel.hidden = !panel.hidden;
  if (!panel.hidden && !$("#chat").children.length) onboarding("Hi! I'm Sidekick. What can I help you with?");
  if (!panel.hidden) refreshOutbox();
}

// Onboarding: the greeting and the Quick Reply buttons (one: the WISMO Thread's).
function onboarding(greeting) {
  bot(greeting);
  const replies = el("div", { class: "quick-replies", "data-test": "quick-replies" },
    el("button", { class: "ghost", text: state.config.quickReply, "data-test": "quick-reply", onclick: () => beginThread(replies) }));
  say("", false, replies);
  setInput(null);
}

function setInput(step) {
  thread.step = step;
  const form = $("#chat-form");
  form.hidden = step !== "email" && step !== "code";
  const input = form.elements.answer;
  input.value = "";
  if (step === "email") Object.assign(input, { type: "email", placeholder: "Your email", inputMode: "email", maxLength: 254 });
  if (step === "code") Object.assign(input, { type: "text", placeholder: "6-digit code", inputMode: "numeric", maxLength: 6 });
  input.dataset.test = step === "code" ? "wismo-code" : "wismo-email";
  if (!form.hidden) input.focus();
}

async function beginThread(replies) {
  replies.remove();
  say(state.config.quickReply, true);
  try {
    const started = await api("POST", "/api/threads", { quickReply: state.config.quickReply });
    thread.id = started.id;
    bot("Sure! What email did you use when you ordered?");
    setInput("email");
  } catch (error) {
    bot(`Sorry, I couldn't start: ${error.message}`, "wismo-error");
    onboarding("Anything else I can help with?");
  }
}

async function answer(event) {
  event.preventDefault();
  const value = event.target.elements.answer.value.trim();
  if (!value) return;
  say(thread.step === "code" ? "•".repeat(value.length) : value, true);
  event.target.elements.answer.value = "";
  if (thread.step === "email") return sendCode(value);
  if (thread.step === "code") return checkCode(value);
}

async function sendCode(email) {
  try {
    const sent = await api("POST", `/api/threads/${thread.id}/email`, { email });
    thread.email = email;
    await refreshOutbox();  // the code is in the outbox before the bot says it was sent
    bot(`I sent a 6-digit code to ${sent.sentTo}. Type it here to see your order (it works for ${Math.round(sent.codeLifetimeSeconds / 60) || 1} min).`, "wismo-code-sent");
    setInput("code");
  } catch (error) {
    bot(error.message, "wismo-error");
    if (error.status === 429) return ending();
    setInput("email");
  }
}

function newCodeButton() {
  return el("div", { class: "row" }, el("button", { class: "ghost", text: "Send a new code", "data-test": "wismo-new-code", onclick: (e) => { e.target.remove(); sendCode(thread.email); } }));
}

async function checkCode(code) {
  let found;
  try {
    found = await api("POST", `/api/threads/${thread.id}/code`, { code });
  } catch (error) {
    bot(error.message, "wismo-code-error");
    const locked = error.status === 410 || error.status === 429 || (error.data && error.data.attemptsLeft === 0);
    if (locked) { say("", false, newCodeButton()); setInput(null); } else setInput("code");
    return;
  }
  setInput(null);
  showOrder(found);
}

function showOrder(found) {
  const first = found.name ? ", " + found.name.split(" ")[0] : "";
  if (!found.found) { bot(`Thanks! I couldn't find orders for that email. (${found.reason})`, "wismo-none"); return ending(); }
  if (!found.latest) {
    bot(`Thanks${first}. I don't see an order from the last 30 days.`, "wismo-none");
    if (found.missing.length) bot(`Not enough data for WISMO: missing ${found.missing.join(", ")}.`, "wismo-missing");
    return ending();
  }
  const o = found.latest;
  bot(`Thanks${first}! Here is your latest order.`);
  const card = el("div", { class: "order-card", "data-test": "wismo-order" },
    el("div", { class: "top" }, found.image ? el("img", { class: "thumb", src: found.image, alt: "", onerror: (e) => e.target.replaceWith(el("div", { class: "thumb" })) }) : el("div", { class: "thumb" }),
      el("div", { class: "wrap" }, el("b", { text: `Order ${o.orderNumber}` }), el("div", { class: "muted", text: `${fmtDate(o.createdAt)} · ${o.orderTotal || ""}` }))),
    el("p", {}, "Status: ", el("span", { class: `chip ${String(o.orderStatus || "").toLowerCase()}`, text: o.orderStatus || "unknown" })),
    found.fulfillments.map((f, i) => el("div", { class: "fulfillment", "data-test": "wismo-shipment" }, `Shipment ${i + 1}: ${f.carrier || "carrier unknown"} `,
      f.trackingUrl ? link(f.trackingUrl, f.trackingNumber || "track") : (f.trackingNumber || "no tracking yet"), f.status ? ` · ${f.status}` : "")),
    found.orderLink ? el("p", {}, link(found.orderLink, "View your order")) : null,
    found.orders.length > 1 ? el("div", { class: "muted", text: `Also recent: ${found.orders.slice(1).map((x) => x.orderNumber).join(", ")}` }) : null);
  say("", false, card);
  if (found.missing.length) bot(`Not enough data for a full WISMO answer: missing ${found.missing.join(", ")}.`, "wismo-missing");
  ending();
}

// The end of the Thread: That's all (a resolution when the order was shown) or an agent.
function ending() {
  setInput(null);
  const buttons = el("div", { class: "row quick-replies" },
    el("button", { text: "That's all", "data-test": "wismo-resolved", onclick: () => finish("done") }),
    el("button", { class: "ghost", text: "Talk to an agent", "data-test": "wismo-agent", onclick: () => finish("agent") }));
  say("", false, buttons);
  async function finish(choice) {
    buttons.remove();
    say(choice === "done" ? "That's all" : "Talk to an agent", true);
    try {
      const ended = await api("POST", `/api/threads/${thread.id}/end`, { choice });
      bot(ended.outcome === "agent" ? "Connecting you to an agent…" : "Glad I could help!", `wismo-${ended.outcome}`);
    } catch (error) {
      bot(error.message, "wismo-error");
    }
    thread.id = null;
    onboarding("Anything else I can help with?");
    if (!$("#reports").hidden) showReport();
  }
}

// -- the dev outbox: where the fake "sends" codes ----------------------------------------------------

async function refreshOutbox() {
  const { messages } = await api("GET", "/api/outbox");
  $("#outbox-list").replaceChildren(...(messages.length ? messages.slice(0, 3).map((m) => el("li", { "data-test": "outbox-message" },
    el("span", { class: "muted", text: `${fmtDate(m.at)} to ${m.to}` }), " ", el("b", { class: "code", text: m.code, "data-test": "outbox-code" }))) :
    [el("li", { class: "muted", text: "No codes sent yet." })]));
}

// -- the Self-Service Threads report ------------------------------------------------------------------

const REPORT = [["started", "Conversations"], ["codesVerified", "Codes verified"], ["ordersShown", "Orders shown"],
  ["resolutions", "Resolutions (charged)"], ["handoffs", "Agent hand-offs (not charged)"]];

async function showReport() {
  const report = await api("GET", "/api/reports/threads");
  const t = report.total;
  const percent = (rate) => `${Math.round(rate * 1000) / 10}%`;
  const tiles = [...REPORT.map(([key, label]) => [key, label, t[key]]), ["resolutionRate", "Resolution rate", percent(t.resolutionRate)],
    ["cost", `Cost at ${report.pricePerResolution} ${report.currency} per resolution`, `${t.cost} ${report.currency}`]];
  const days = report.days.filter((d) => d.started > 0).reverse();
  $("#report-body").replaceChildren(
    el("p", { class: "muted", text: `${report.from} to ${report.to} (UTC). Only conversations that end without an agent after the order was shown are charged.` }),
    el("div", { class: "tiles" }, tiles.map(([key, label, value]) => el("div", { class: "tile", "data-test": `report-${key}` }, el("b", { text: String(value) }), el("span", { text: label })))),
    el("table", { class: "results", "data-test": "report-days" }, el("thead", {}, el("tr", {}, el("th", { text: "Day" }), REPORT.map(([, label]) => el("th", { text: label })), el("th", { text: "Rate" }), el("th", { text: "Cost" }))),
      el("tbody", {}, days.length ? days.map((d) => el("tr", { "data-test": "report-day" }, el("td", { text: d.day }), REPORT.map(([key]) => el("td", { text: d[key] })), el("td", { text: percent(d.resolutionRate) }), el("td", { text: d.cost }))) :
        el("tr", {}, el("td", { colspan: 8, class: "muted", text: "No conversations yet: open Sidekick and click the Quick Reply." })))));
}

function toggleReports() {
  const panel = $("#reports");
  panel.hidden = !panel.hidden;
  if (!panel.hidden) guarded(null, showReport);
}
