// The portal's service worker (issue 13), served from /sw.js. It shows the web push
// notifications the portal sends (their text comes encrypted in the push message) and
// opens the portal at the notification's address when one is tapped. It keeps no
// copy of any page: the portal's pages are personal and never cached.
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("push", function (event) {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { title: event.data ? event.data.text() : "" };
  }
  const title = data.title || self.registration.scope;
  const url = new URL(data.url || "/", self.location.origin);
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || undefined,
    icon: "/static/portal/icons/icon-192.png",
    badge: "/static/portal/icons/icon-192.png",
    // Only an address of the portal itself is ever opened.
    data: { url: url.origin === self.location.origin ? url.href : "/" },
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true })
    .then(function (windows) {
      for (const client of windows) {
        if (client.url === url && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(url);
    }));
});
