// On the place form, show only the admin-1 areas of the chosen country.
document.addEventListener("DOMContentLoaded", () => {
  const country = document.getElementById("id_country");
  const admin1 = document.getElementById("id_admin1");
  if (!country || !admin1) return;

  const groups = Array.from(admin1.querySelectorAll("optgroup"));
  const countryName = () => country.options[country.selectedIndex]?.text ?? "";

  function showAreasOfCountry() {
    const name = countryName();
    for (const group of groups) {
      const match = group.label === name;
      group.hidden = !match;
      group.disabled = !match;
    }
    const chosen = admin1.options[admin1.selectedIndex];
    if (chosen && chosen.parentElement.tagName === "OPTGROUP" && chosen.parentElement.disabled) {
      admin1.value = "";
    }
  }

  country.addEventListener("change", showAreasOfCountry);
  showAreasOfCountry();
});
