{% load static %}/* Alongside's service worker, served from /sw.js so its scope is the whole site.
 *
 * It shows a pushed notification and opens its page when tapped, and keeps a small
 * shell on the device: the offline page, the style sheet and the scripts. It never
 * caches a page: what a person wrote must not sit in a cache that outlives a sign-out
 * or a quick exit. A page that cannot load shows the offline page instead. The server
 * decides a notification's words (neutral in discreet mode) before encrypting them to
 * this browser; the payload is JSON: {"title": ..., "body": ..., "url": "/a/path/"}.
 */
"use strict";

const SHELL = "alongside-shell-{{ version }}";
const OFFLINE_URL = "/offline/";
const SHELL_URLS = [
  OFFLINE_URL,
  "{% static 'alongside/site.css' %}",
  "{% static 'alongside/site.js' %}",
  "{% static 'alongside/offline.js' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(SHELL_URLS)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate") {
    // Pages always come from the network; only when it fails, the offline page.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  if (SHELL_URLS.includes(new URL(request.url).pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

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
