// The trip form: a new leg gets the next index and leaves from where the last leg arrived
// (sent with htmx's request for the new row).
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.elt.id !== "add-leg") return;
  const legs = [...document.querySelectorAll("#legs .leg")];
  const arrivals = document.querySelectorAll("#legs .leg [name$=-to_region]");
  event.detail.parameters.index = legs.length
    ? Math.max(...legs.map((leg) => +leg.dataset.index)) + 1 : 0;
  event.detail.parameters.from = arrivals.length ? arrivals[arrivals.length - 1].value : "";
});
