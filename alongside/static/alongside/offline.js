/* Working without a connection.
 *
 * 1. Registers the service worker (/sw.js), which shows an offline page when a page
 *    cannot load.
 * 2. A check-in sent while offline is kept on this device (one draft, for the person
 *    signed in) and sent as soon as the connection is back, from whichever page is open.
 *    The server checks it as always: if it refuses something, the draft is posted again
 *    as a page, so its answer (the person's answers, the reason next to the field) shows
 *    and nothing typed is lost. The draft is taken out of storage before it is sent and put
 *    back only if the network fails, so two open tabs never send it twice.
 * The quick exit removes the draft (site.js), so a borrowed phone keeps nothing.
 */
"use strict";

(function () {
  const KEY = "alongside-offline-checkin";
  const owner = document.body.dataset.person || "";
  const words = document.getElementById("offline-words");
  const say = (name) => (words && words.dataset[name]) || "";

  if (document.body.hasAttribute("data-offline-page")) {
    // The shell's offline page: when the connection is back, load the page that failed
    // (which sends a kept check-in, as every signed-in page does).
    // The "online" event can come before this script runs, so also look every few seconds.
    window.addEventListener("online", () => window.location.reload());
    window.setInterval(() => navigator.onLine && window.location.reload(), 3000);
    return;
  }
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(document.body.dataset.worker || "/sw.js", { scope: "/" })
      .catch(() => {});
  }

  function read() {
    try {
      return JSON.parse(localStorage.getItem(KEY) || "null");
    } catch (error) {
      return null;
    }
  }

  function notice(text, kind) {
    const main = document.querySelector("main") || document.body;
    let box = document.getElementById("offline-notice");
    if (!box) {
      box = document.createElement("p");
      box.id = "offline-notice";
      box.setAttribute("role", "status");
      main.prepend(box);
    }
    box.className = "card offline-notice " + (kind || "");
    box.textContent = text;
  }

  async function send() {
    const draft = read();
    if (!draft || !owner || draft.owner !== owner || !navigator.onLine) {
      return;
    }
    localStorage.removeItem(KEY); // taken: another tab finds nothing to send
    const body = new URLSearchParams();
    for (const [name, value] of draft.fields) {
      body.append(name, value);
    }
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      body.set("csrfmiddlewaretoken", token.value); // the current one, should it have rotated
    }
    let response;
    try {
      response = await fetch(draft.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": body.get("csrfmiddlewaretoken") || "" },
      });
    } catch (error) {
      localStorage.setItem(KEY, JSON.stringify(draft)); // still offline after all
      return;
    }
    if (response.redirected && response.ok) {
      // Saved: open the saved check-in and say so there (the server's thank-you went to
      // the request above, which no one saw).
      sessionStorage.setItem(KEY + "-sent", "1");
      window.location.assign(response.url);
      return;
    }
    // Refused (a field to fix, or the day already done): post it again as a page, so
    // the server's own answer shows, with everything typed and the reason by its field.
    // The first try changed nothing, so the second is refused the same way.
    const again = document.createElement("form");
    again.method = "post";
    again.action = draft.action;
    again.hidden = true;
    for (const [name, value] of body.entries()) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      again.append(input);
    }
    document.body.append(again);
    again.submit();
  }

  const form = document.querySelector("form[data-offline-draft]");
  if (form) {
    form.addEventListener("submit", (event) => {
      if (navigator.onLine || !owner) {
        return; // the ordinary way
      }
      event.preventDefault();
      const fields = [];
      for (const [name, value] of new FormData(form).entries()) {
        if (typeof value === "string") {
          fields.push([name, value]);
        }
      }
      localStorage.setItem(KEY, JSON.stringify({ owner: owner, action: form.action, fields }));
      notice(say("kept"), "kept");
    });
  }
  if (sessionStorage.getItem(KEY + "-sent")) {
    sessionStorage.removeItem(KEY + "-sent");
    notice(say("sent"), "sent");
  }
  if (read() && !navigator.onLine) {
    notice(say("waiting"), "kept");
  }
  window.addEventListener("online", send);
  // And every few seconds while a draft waits, should the "online" event be missed.
  window.setInterval(() => read() && send(), 4000);
  send();
})();
