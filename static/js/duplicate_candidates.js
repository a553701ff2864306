// On the incident form, show the records that may be the same event as soon as date, place
// and event type are filled: the admin's candidates endpoint answers with incidents.duplicates'
// rules. "Not the same event" hides a candidate: on a saved record it is recorded at once (a
// POST that leaves the form and its unsaved edits alone); a new record has no id to pair yet,
// so the id goes into the hidden not_duplicates field, which the save records. Without this
// script the save still warns.
document.addEventListener("DOMContentLoaded", () => {
  const dismissed = document.getElementById("id_not_duplicates");
  const inputs = {
    date_start: document.getElementById("id_date_start"),
    date_end: document.getElementById("id_date_end"),
    location: document.getElementById("id_location"),
    event_type: document.getElementById("id_event_type"),
  };
  if (!dismissed || !dismissed.dataset.candidatesUrl || !inputs.date_start
      || !inputs.location || !inputs.event_type) return;

  const panel = document.createElement("section");
  panel.className = "duplicate-panel";
  panel.id = "duplicate-panel";
  panel.hidden = true;
  panel.setAttribute("aria-live", "polite");
  const where = inputs.location.closest("fieldset") || inputs.date_start.closest("fieldset");
  where.after(panel);

  let asked = "";
  let candidates = [];
  const decideUrl = dismissed.dataset.decideUrl;
  const csrf = dismissed.form && dismissed.form.querySelector("[name=csrfmiddlewaretoken]");

  function dismissedIds() {
    return dismissed.value.split(",").filter((id) => id.trim() !== "");
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function candidateItem(candidate) {
    const item = element("li", "", "duplicate-candidate");
    const title = element("a", `${candidate.public_id}: ${candidate.title}`);
    title.href = candidate.url;
    title.target = "_blank";
    title.rel = "noopener";
    item.append(title);
    const facts = element("div", "", "duplicate-facts");
    facts.append(
      element("span", candidate.dates),
      element("span", candidate.place),
      element("span", candidate.status,
        `status-badge status-${candidate.status.replace(/ /g, "-")}`),
    );
    item.append(facts);
    const choices = element("div", "", "duplicate-choices");
    const open = element("a", "Same event: add this source there", "button");
    open.href = candidate.url;
    open.target = "_blank";
    open.rel = "noopener";
    const different = element("button", "Not the same event", "button");
    different.type = "button";
    different.addEventListener("click", () => decide(candidate, different));
    choices.append(open, different);
    item.append(choices);
    return item;
  }

  function putAway(candidate) {
    dismissed.value = [...dismissedIds(), String(candidate.id)].join(",");
    show();
  }

  async function decide(candidate, button) {
    if (!decideUrl || !csrf) {
      putAway(candidate);
      return;
    }
    button.disabled = true;
    const body = new URLSearchParams({ other: String(candidate.id) });
    // Refused or unreachable, the decision stays in the hidden field and the save records it;
    // recorded, the save finds the pair known and leaves it.
    await fetch(decideUrl, {
      method: "POST",
      body,
      headers: { Accept: "application/json", "X-CSRFToken": csrf.value },
      credentials: "same-origin",
    }).catch(() => null);
    putAway(candidate);
  }

  function show() {
    const ignored = new Set(dismissedIds());
    const shown = candidates.filter((candidate) => !ignored.has(String(candidate.id)));
    panel.replaceChildren();
    panel.hidden = shown.length === 0;
    if (panel.hidden) return;
    panel.append(
      element("h2", shown.length === 1 ? "Possible duplicate" : `${shown.length} possible duplicates`),
      element("p", "Recorded already? Same event type, within a day and 10 km of this one. "
        + "If one is this event, add your source to it instead of saving a new record; "
        + (decideUrl ? "“Not the same event” is recorded at once."
          : "“Not the same event” is recorded when you save."), "help"),
    );
    const list = element("ul");
    list.append(...shown.map(candidateItem));
    panel.append(list);
  }

  async function ask() {
    const query = new URLSearchParams();
    for (const [name, input] of Object.entries(inputs)) {
      if (input && input.value.trim()) query.set(name, input.value.trim());
    }
    if (dismissed.dataset.incident) query.set("incident", dismissed.dataset.incident);
    const complete = query.has("date_start") && query.has("location") && query.has("event_type");
    const key = complete ? query.toString() : "";
    if (key === asked) return;
    asked = key;
    candidates = [];
    if (complete) {
      const response = await fetch(`${dismissed.dataset.candidatesUrl}?${key}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (key !== asked) return; // the form changed while the answer was on its way
      // A date still being typed is a 400: no candidates until it reads as a date.
      if (response.ok) candidates = (await response.json()).candidates;
    }
    show();
  }

  let timer;
  function askSoon() {
    clearTimeout(timer);
    timer = setTimeout(() => ask().catch(() => {}), 250);
  }

  // The calendar widget fills the date without a change event; it focuses the field instead.
  for (const input of Object.values(inputs)) {
    if (!input) continue;
    for (const event of ["change", "input", "focus"]) input.addEventListener(event, askSoon);
  }
  // The place is a select2 autocomplete, whose choice is announced to jQuery handlers only.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(inputs.location).on("change", askSoon);
  }
  askSoon();
});
