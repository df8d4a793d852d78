/* Settings → Reminders → "Notifications on this device".
 *
 * Registers the service worker (/sw.js, scope "/"), then offers to turn notifications on
 * or off for this browser. Without JavaScript the section still lists the devices and can
 * remove them or send a test; only turning a new device on needs this script.
 */
"use strict";

(function () {
  const section = document.getElementById("notifications");
  if (!section) {
    return;
  }
  const status = section.querySelector("[data-push-status]");
  const turnOn = section.querySelector("[data-push-on]");
  const turnOff = section.querySelector("[data-push-off]");
  const text = (name) => section.dataset[name] || "";

  function say(message) {
    status.textContent = message;
    status.hidden = false;
  }

  function show(subscribed) {
    turnOn.hidden = subscribed;
    turnOff.hidden = !subscribed;
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": section.dataset.csrf },
      body: JSON.stringify(body),
    });
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) {
    say(text("msgUnsupported"));
    return;
  }

  const ready = navigator.serviceWorker
    .register(section.dataset.worker, { scope: "/" })
    .then(() => navigator.serviceWorker.ready);

  // Is this browser's subscription one the server keeps for this person? (It may have
  // been removed from the list, or belong to someone who used this browser before.)
  async function known(subscription) {
    if (!subscription) {
      return false;
    }
    const bytes = new TextEncoder().encode(subscription.endpoint);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    return (section.dataset.devices || "").split(" ").includes(hex);
  }

  ready
    .then((registration) => registration.pushManager.getSubscription())
    .then(known)
    .then((existing) => {
      show(existing);
      if (existing) {
        say(text("msgOn"));
      } else if (window.Notification && Notification.permission === "denied") {
        say(text("msgBlocked"));
      }
    })
    .catch(() => say(text("msgFailed")));

  turnOn.addEventListener("click", async () => {
    turnOn.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        say(text("msgBlocked"));
        return;
      }
      const registration = await ready;
      const options = { userVisibleOnly: true, applicationServerKey: keyBytes(section.dataset.key) };
      let subscription;
      try {
        subscription = await registration.pushManager.subscribe(options);
      } catch (error) {
        // Subscribed before under another server key (the key was replaced): start afresh.
        const old = await registration.pushManager.getSubscription();
        if (error.name !== "InvalidStateError" || !old) {
          throw error;
        }
        await old.unsubscribe();
        subscription = await registration.pushManager.subscribe(options);
      }
      const response = await post(section.dataset.subscribe, subscription.toJSON());
      // 201 only: a signed-out session is redirected to the sign-in page (a 200).
      if (response.status !== 201) {
        await subscription.unsubscribe();
        throw new Error("refused: " + response.status);
      }
      show(true);
      say(text("msgOn"));
    } catch (error) {
      say(text("msgFailed"));
    } finally {
      turnOn.disabled = false;
    }
  });

  turnOff.addEventListener("click", async () => {
    turnOff.disabled = true;
    try {
      const registration = await ready;
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        await post(section.dataset.unsubscribe, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      show(false);
      say(text("msgOff"));
    } catch (error) {
      say(text("msgFailed"));
    } finally {
      turnOff.disabled = false;
    }
  });
})();
