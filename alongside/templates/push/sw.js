/* Alongside's service worker, served from /sw.js so its scope is the whole site.
 *
 * It does two things only: show a pushed notification, and open its page when tapped.
 * It caches nothing and sees no page traffic. The server decides the words (and makes
 * them neutral in discreet mode) before encrypting them to this browser; the payload is
 * JSON: {"title": ..., "body": ..., "url": "/a/path/"}.
 */
"use strict";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function sameOriginUrl(value) {
  try {
    const url = new URL(String(value || "/"), self.location.origin);
    return url.origin === self.location.origin ? url.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  // Without words from the server, say nothing more than the neutral name would.
  const title = typeof data.title === "string" && data.title ? data.title : "Notes";
  const body = typeof data.body === "string" ? data.body : "";
  event.waitUntil(
    self.registration.showNotification(title, { body: body, data: { url: sameOriginUrl(data.url) } })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target && "focus" in client) {
          return client.focus();
        }
      }
      return self.clients.openWindow(target);
    })
  );
});
