// The portal as an installable web app (issue 13): registers the service worker
// (/sw.js, from the site's root so that it serves the whole site). Push
// subscriptions are made on the notification settings page (push.js).
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  });
})();
