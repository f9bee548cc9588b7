// Small behaviours every page may ask for by a data attribute, so no page needs an inline
// handler: the Content-Security-Policy allows scripts from this server only.
//   <select data-submit-on-change>                 submits its form when changed
//   <button data-print>                            prints the page
//   <form data-confirm="Sure?">                    asks before submitting
//   <button data-remove-closest=".leg">            removes the enclosing element
//   <input type=checkbox data-requires="#reason">  makes that field required while ticked
//   <form data-copy-fields-from="#filters">        posts another form's fields with its own
//   <div data-shown-when="#id_scope=klass">         shown only while that field has that value
function showWhen() {
  document.querySelectorAll("[data-shown-when]").forEach((element) => {
    const [selector, value] = element.dataset.shownWhen.split("=");
    const field = document.querySelector(selector);
    if (field) element.hidden = field.value !== value;
  });
}
document.addEventListener("DOMContentLoaded", showWhen);
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("[data-submit-on-change]") && target.form) target.form.submit();
  showWhen();
  if (target.matches("[data-requires]")) {
    const field = document.querySelector(target.dataset.requires);
    if (field) field.required = target.checked;
  }
});

document.addEventListener("click", (event) => {
  const printer = event.target.closest("[data-print]");
  if (printer) window.print();
  const remover = event.target.closest("[data-remove-closest]");
  if (remover) remover.closest(remover.dataset.removeClosest)?.remove();
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  const source = form.dataset.copyFieldsFrom && document.querySelector(form.dataset.copyFieldsFrom);
  if (!source) return;
  form.querySelectorAll(".copied-field").forEach((input) => input.remove());
  new FormData(source).forEach((value, name) => {
    if (name === "csrfmiddlewaretoken") return;
    const input = document.createElement("input");
    Object.assign(input, { type: "hidden", name, value, className: "copied-field" });
    form.append(input);
  });
});
