// A "Copy" button on each code snippet (figure.snippet); without JavaScript the code is
// still there to select.
document.querySelectorAll("figure.snippet").forEach((figure) => {
  const code = figure.querySelector("code");
  if (!code || !navigator.clipboard) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = "Copy";
  button.setAttribute("aria-label", `Copy the ${figure.querySelector("figcaption").textContent} code`);
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(code.textContent).then(
      () => { button.textContent = "Copied"; },
      () => { button.textContent = "Select the code to copy it"; },
    );
  });
  figure.querySelector("figcaption").append(" ", button);
});
