// On the incident form, a new citation's "supports" toggles follow what the form states (a
// date, a place, actors, casualties…; the claim → fields table comes from the model, in the
// inputs' data-claim-fields) until the analyst changes them. Without this script nothing
// is preselected.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("incident_form");
  if (!form) return;
  const UNSTATED = ["", "unknown"];

  function states(name) {
    if (name === "participants") {
      return [...form.querySelectorAll('select[name^="participants-"][name$="-actor"]')].some(
        (select) => select.value && !select.name.includes("__prefix__"),
      );
    }
    const field = form.elements.namedItem(name);
    return Boolean(field) && !UNSTATED.includes(field.value.trim());
  }

  function follow() {
    for (const toggles of form.querySelectorAll(".claim-toggles")) {
      const inputs = toggles.querySelectorAll("input[type=checkbox][data-claim-fields]");
      if (toggles.dataset.changed || !inputs.length) continue;
      const claims = JSON.parse(inputs[0].dataset.claimFields);
      for (const input of inputs) {
        input.checked = (claims[input.value] || []).some(states);
      }
    }
  }

  form.addEventListener("change", (event) => {
    const toggles = event.target.closest(".claim-toggles");
    if (toggles) toggles.dataset.changed = "1";
    follow();
  });
  form.addEventListener("input", follow);
  // The autocomplete widgets (select2) announce a choice through jQuery only.
  if (window.django && window.django.jQuery) window.django.jQuery(form).on("change", follow);
  document.addEventListener("formset:added", follow);
  form.addEventListener("submit", follow);
  follow();
});
