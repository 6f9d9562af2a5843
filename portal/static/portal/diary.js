// The diary's week (templates/journal/diary/week.html): on a phone, where the days
// stand one under another, the current week opens at today's card.
(function () {
  "use strict";

  function toToday() {
    const today = document.getElementById("today");
    if (!today || window.location.hash || window.matchMedia("(min-width: 1000px)").matches) return;
    today.scrollIntoView({ block: "start" });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", toToday);
  } else {
    toToday();
  }
})();
