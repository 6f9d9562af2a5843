// Web push on the notification settings page (issue 13). When the form is saved with
// a box of the push column ticked, this browser asks for permission and subscribes
// to push (with the portal's VAPID public key) and the subscription is sent to the
// portal; with none ticked, this browser's subscription is removed. Without this
// script (or without push in the browser) the choices are saved all the same.
(function () {
  "use strict";

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    const raw = window.atob(padded);
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }

  function csrf(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(form, url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(form) },
      body: JSON.stringify(body),
    });
  }

  function say(form, text) {
    const state = form.querySelector("[data-push-state]");
    if (state) {
      state.textContent = text;
      state.hidden = !text;
    }
  }

  async function subscribe(form, registration) {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      say(form, form.dataset.deniedText || "");
      return;
    }
    let subscription = await registration.pushManager.getSubscription();
    if (!subscription) {
      subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(form.dataset.pushKey),
      });
    }
    await post(form, form.dataset.subscribeUrl, subscription.toJSON());
  }

  async function unsubscribe(form, registration) {
    const subscription = await registration.pushManager.getSubscription();
    if (!subscription) return;
    await post(form, form.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
    await subscription.unsubscribe();
  }

  function setUp() {
    const form = document.querySelector("[data-push-form]");
    if (!form) return;
    const boxes = Array.from(form.querySelectorAll("input[name$='__push']"));
    const supported = "serviceWorker" in navigator && "PushManager" in window
      && "Notification" in window && form.dataset.pushKey;
    if (!supported) {
      // No push here: the column cannot be ticked on this device.
      boxes.forEach(function (box) { box.disabled = !box.checked; });
      say(form, form.dataset.unsupportedText || "");
      return;
    }
    let done = false;
    form.addEventListener("submit", function (event) {
      if (done) return;
      event.preventDefault();
      const wanted = boxes.some(function (box) { return box.checked; });
      navigator.serviceWorker.register("/sw.js", { scope: "/" })
        .then(function () { return navigator.serviceWorker.ready; })
        .then(function (registration) {
          return wanted ? subscribe(form, registration) : unsubscribe(form, registration);
        })
        .catch(function (error) { say(form, String(error)); })
        .finally(function () {
          done = true;
          form.requestSubmit();
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
