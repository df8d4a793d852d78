// Drag a ladder step to reorder it. Progressive: underneath it presses the same ↑ / ↓
// forms that work without JavaScript (one POST per place moved), then reloads, so the
// server stays the only place that decides the order.
(function () {
  "use strict";
  const list = document.querySelector("[data-testid=ladder]");
  if (!list) return;
  let dragged = null;
  list.querySelectorAll("li.step").forEach(function (item) {
    item.draggable = true;
    item.addEventListener("dragstart", function (event) {
      dragged = item;
      event.dataTransfer.effectAllowed = "move";
      item.classList.add("dragging");
    });
    item.addEventListener("dragend", function () {
      item.classList.remove("dragging");
    });
    item.addEventListener("dragover", function (event) {
      event.preventDefault();
    });
    item.addEventListener("drop", async function (event) {
      event.preventDefault();
      if (!dragged || dragged === item) return;
      const items = Array.from(list.querySelectorAll("li.step"));
      const from = items.indexOf(dragged);
      const to = items.indexOf(item);
      const form = dragged.querySelector("form.move");
      const body = new FormData(form);
      body.set("direction", to < from ? "up" : "down");
      for (let moved = 0; moved < Math.abs(to - from); moved += 1) {
        await fetch(form.action, { method: "POST", body: body, redirect: "manual" });
      }
      window.location.reload();
    });
  });
})();
