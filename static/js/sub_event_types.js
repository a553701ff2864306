// On the incident form, offer only the sub-event types of the chosen event type. The pairs
// come from the taxonomy, in the select's data-sub-event-types; the server refuses a mismatch
// anyway, so without this script the form still works.
document.addEventListener("DOMContentLoaded", () => {
  const eventType = document.getElementById("id_event_type");
  const subEventType = document.getElementById("id_sub_event_type");
  if (!eventType || !subEventType || !subEventType.dataset.subEventTypes) return;

  const allowed = JSON.parse(subEventType.dataset.subEventTypes);

  function offerSubTypesOfEventType() {
    const subs = allowed[eventType.value];
    for (const option of subEventType.querySelectorAll("option")) {
      if (option.value === "") continue;
      const offered = !subs || subs.includes(option.value);
      option.hidden = !offered;
      option.disabled = !offered;
    }
    for (const group of subEventType.querySelectorAll("optgroup")) {
      const offered = !subs || group.label === eventType.value;
      group.hidden = !offered;
      group.disabled = !offered;
    }
    if (subs && subEventType.value && !subs.includes(subEventType.value)) {
      subEventType.value = "";
    }
  }

  eventType.addEventListener("change", offerSubTypesOfEventType);
  offerSubTypesOfEventType();
});
