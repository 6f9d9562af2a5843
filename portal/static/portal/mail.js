// The mail's address book (R-MAIL-1): a search box that shows only the contacts whose
// name matches (groups with a match open), and «Everyone» of a group ticking its
// contacts. Without scripts the groups still fold and «Everyone» is sent as the group.
(function () {
  "use strict";
  function normalise(text) {
    return text.toLowerCase().replace(/ё/g, "е").trim();
  }
  document.querySelectorAll("[data-mail-book]").forEach(function (book) {
    var search = book.querySelector("[data-mail-search]");
    var groups = book.querySelectorAll("[data-mail-group]");
    if (search) {
      search.hidden = false;
      search.addEventListener("input", function () {
        var wanted = normalise(search.value);
        groups.forEach(function (group) {
          var shown = 0;
          group.querySelectorAll("[data-mail-contact]").forEach(function (contact) {
            var match = !wanted || normalise(contact.dataset.name).indexOf(wanted) !== -1;
            contact.hidden = !match;
            if (match) { shown += 1; }
          });
          group.hidden = shown === 0;
          if (wanted) { group.open = shown > 0; }
        });
      });
    }
    groups.forEach(function (group) {
      var all = group.querySelector("[data-mail-all]");
      if (!all) { return; }
      var boxes = group.querySelectorAll("[data-mail-contact] input[type=checkbox]");
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
      });
      // Unticking one of the group leaves the others ticked, not the whole group.
      boxes.forEach(function (box) {
        box.addEventListener("change", function () {
          if (!box.checked) { all.checked = false; }
        });
      });
    });
  });
})();
