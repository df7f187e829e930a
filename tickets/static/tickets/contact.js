// Suggest help-center articles while the customer types the subject (the search API is public;
// live=1: suggestions while typing are not recorded). The subject is settled when the customer
// moves on (its "change" event) or opens a suggestion: that search is recorded, and what the
// customer did with its suggestions is reported to the deflection records: the article opened
// (…/search/<search_id>/click/), then "submitted" or, on leaving without sending, "deflected"
// (…/search/<search_id>/deflection/). Both endpoints are anonymous: no CSRF token, no cookies.
const SETTLE_TIMEOUT_MS = 800;  // never hold the customer back longer than this
const form = document.querySelector("form[data-suggest-url]");
const box = document.getElementById("suggestions");
const subject = form && form.querySelector("[name=subject]");
let timer = null;
let controller = null;
let shownSearchId = null;  // the recorded search whose suggestions the customer saw
let settledQuery = "";
let openedSlug = "";  // the suggestion the customer opened, if any
let submitted = false;

function outcome(value) {
  return openedSlug ? { outcome: value, slug: openedSlug } : { outcome: value };  // no blank slug
}

function eventUrl(searchId, event) {
  return new URL(`${searchId}/${event}/`, new URL(form.dataset.suggestUrl, window.location.origin));
}

function post(searchId, event, data) {
  // keepalive: the request outlives the page the customer is leaving.
  fetch(eventUrl(searchId, event), {
    method: "POST", keepalive: true, credentials: "omit",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify(data),
  }).catch(() => {});
}

function searchUrl(q, live) {
  const url = new URL(form.dataset.suggestUrl, window.location.origin);
  url.searchParams.set("q", q);
  url.searchParams.set("lang", document.documentElement.lang);
  url.searchParams.set("source", "contact_form");
  if (live) url.searchParams.set("live", "1");
  return url;
}

let settling = Promise.resolve(null);

function settle() {
  // Record the subject the customer settled on, once per distinct subject; resolves to its id.
  const q = subject.value.trim();
  if (q.length < 3 || q === settledQuery) return settling;
  settledQuery = q;
  settling = record(q).catch(() => shownSearchId);
  return settling;
}

async function record(q) {
  const response = await fetch(searchUrl(q, false), {
    signal: AbortSignal.timeout(SETTLE_TIMEOUT_MS), headers: { Accept: "application/json" },
  });
  if (!response.ok) return shownSearchId;
  const { results = [], search_id: searchId = null } = await response.json();
  shownSearchId = results.length ? searchId : null;
  return shownSearchId;
}

function open(event, slug) {
  openedSlug = slug;
  const newTab = event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey;
  const report = settle().then((searchId) => { if (searchId) post(searchId, "click", { slug }); });
  if (newTab) { report.catch(() => {}); return; }
  event.preventDefault();
  const href = event.currentTarget.href;
  report.catch(() => {}).finally(() => window.location.assign(href));
}

async function suggest() {
  const q = subject.value.trim();
  if (q.length < 3) { box.hidden = true; return; }
  controller?.abort();  // an older, slower answer must not replace this one
  controller = new AbortController();
  try {
    const response = await fetch(searchUrl(q, true), { signal: controller.signal, headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const { results = [] } = await response.json();
    const list = box.querySelector("ul");
    list.replaceChildren(...results.slice(0, 5).map((article) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `/${document.documentElement.lang}/help/articles/${article.slug}/`;
      link.textContent = article.title;
      link.addEventListener("click", (event) => open(event, article.slug));
      item.append(link);
      return item;
    }));
    box.hidden = results.length === 0;
  } catch (error) {
    if (error.name !== "AbortError") box.hidden = true;  // the form works without suggestions
  }
}

if (subject) {
  subject.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 300); });
  subject.addEventListener("change", settle);
  form.addEventListener("submit", () => {
    submitted = true;
    if (shownSearchId) post(shownSearchId, "deflection", outcome("submitted"));
  });
  window.addEventListener("pagehide", () => {
    if (!shownSearchId || submitted) return;
    // A form-encoded beacon (a CORS-safelisted type) works in every browser; DRF parses it.
    const data = new URLSearchParams(outcome("deflected"));
    navigator.sendBeacon(eventUrl(shownSearchId, "deflection"), data);
  });
}
