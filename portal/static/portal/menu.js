// The site header's menu button (templates/base.html): on a narrow screen the
// navigation and the account links fold behind it. Without this script the menu
// simply stays unfolded. Also marks the navigation link of the current section.
(function () {
  "use strict";

  function setUp() {
    const header = document.querySelector("[data-site-header]");
    if (!header) return;
    const button = header.querySelector(".menu-toggle");
    const menu = header.querySelector(".site-menu");
    if (button && menu) {
      button.hidden = false;
      header.classList.add("menu-ready");
      button.addEventListener("click", function () {
        const open = header.classList.toggle("menu-open");
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && header.classList.contains("menu-open")) {
          header.classList.remove("menu-open");
          button.setAttribute("aria-expanded", "false");
          button.focus();
        }
      });
    }
    // The current section: the longest navigation address the page's path starts with.
    const path = window.location.pathname;
    let best = null;
    header.querySelectorAll(".site-nav a").forEach(function (link) {
      const href = link.getAttribute("href");
      const matches = href === "/" ? path === "/" : path.startsWith(href);
      if (matches && (!best || href.length > best.getAttribute("href").length)) best = link;
    });
    if (best) best.setAttribute("aria-current", "page");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
