// The timetable grid editor: each cell saves itself to the JSON endpoint without
// reloading the page. Tab moves between fields, Enter saves, arrow keys move between
// cells (Ctrl+arrow from inside a field), Escape returns from a field to its cell.
(function () {
  "use strict";
  var grid = document.querySelector("[data-grid]");
  if (!grid) return;
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  var text = grid.dataset;

  function setStatus(form, message, state) {
    var status = form.querySelector("[data-status]");
    status.textContent = message;
    form.dataset.state = state;
  }

  function post(url, form) {
    var body = new FormData(form);
    body.append("date", grid.dataset.week);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, "Accept": "application/json"}
    }).then(function (response) {
      return response.json().catch(function () { return {ok: false, errors: [text.textFailed]}; });
    }, function () { return {ok: false, errors: [text.textFailed]}; });
  }

  function done(form, answer, onSuccess) {
    if (answer.ok) {
      onSuccess(answer);
      setStatus(form, [answer.message, answer.kept_message].filter(Boolean).join(" "),
                answer.kept_message ? "warning" : "saved");
    } else {
      setStatus(form, (answer.errors || [text.textFailed]).join(" "), "error");
    }
  }

  function save(form) {
    setStatus(form, text.textSaving, "saving");
    post(grid.dataset.saveUrl, form).then(function (answer) {
      done(form, answer, function () {
        form.elements.entry.value = answer.entry;
        form.dataset.entry = answer.entry;
        form.querySelector("[data-delete]").hidden = false;
      });
    });
  }

  function remove(form) {
    setStatus(form, text.textSaving, "saving");
    post(grid.dataset.deleteUrl, form).then(function (answer) {
      done(form, answer, function () {
        form.elements.entry.value = "";
        delete form.dataset.entry;
        form.querySelectorAll("select").forEach(function (select) { select.value = ""; });
        form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
          box.checked = false;
        });
        form.querySelector("[data-delete]").hidden = true;
      });
    });
  }

  var rows = Array.prototype.map.call(grid.tBodies[0].rows, function (row) {
    return Array.prototype.slice.call(row.querySelectorAll("[data-cell]"));
  });

  function neighbour(cell, key) {
    var r = rows.findIndex(function (row) { return row.indexOf(cell) >= 0; });
    var c = rows[r].indexOf(cell);
    if (key === "ArrowUp") r -= 1;
    if (key === "ArrowDown") r += 1;
    if (key === "ArrowLeft") c -= 1;
    if (key === "ArrowRight") c += 1;
    return rows[r] && rows[r][c];
  }

  function moveTo(cell, fieldName) {
    if (!cell) return;
    var field = fieldName && cell.querySelector("[name=" + fieldName + "]");
    (field || cell).focus();
  }

  grid.addEventListener("submit", function (event) {
    event.preventDefault();
    save(event.target);
  });
  grid.addEventListener("click", function (event) {
    if (event.target.matches("[data-delete]")) remove(event.target.closest("form"));
  });
  grid.addEventListener("change", function (event) {
    var form = event.target.closest("form");
    if (form) setStatus(form, text.textUnsaved, "unsaved");
  });
  grid.addEventListener("keydown", function (event) {
    var target = event.target;
    var arrow = /^Arrow(Up|Down|Left|Right)$/.test(event.key);
    if (target.matches("[data-cell]")) {
      if (arrow) {
        event.preventDefault();
        moveTo(neighbour(target, event.key));
      } else if (event.key === "Enter") {
        event.preventDefault();
        var first = target.querySelector("select");
        if (first) first.focus();
      }
      return;
    }
    var cell = target.closest("[data-cell]");
    if (!cell) return;
    if (event.key === "Enter" && target.tagName === "SELECT") {
      event.preventDefault();
      save(target.closest("form"));
    } else if (event.key === "Escape") {
      event.preventDefault();
      cell.focus();
    } else if (arrow && event.ctrlKey) {
      event.preventDefault();
      moveTo(neighbour(cell, event.key), target.name);
    }
  });
}());
