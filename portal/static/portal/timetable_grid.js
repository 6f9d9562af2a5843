// The timetable grid editor: each cell shows its lesson as text; «Edit» (or Enter on the
// cell) opens its fields, and the cell saves itself to the JSON endpoint without
// reloading the page. A refused save (a clash) puts back what is stored, with the reason
// next to it; «Delete» asks once more («Really delete?») before it deletes.
// Keyboard: Enter opens a cell, Tab moves between fields, Enter saves, arrow keys move
// between cells (Ctrl+arrow from inside a field), Escape leaves the cell unchanged.
(function () {
  "use strict";
  var grid = document.querySelector("[data-grid]");
  if (!grid) return;
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  var text = grid.dataset;
  var FIELDS = ["entry", "subject", "teacher", "room", "subgroup", "weeks"];
  var stored = new WeakMap();  // form -> its values as saved

  function setStatus(form, message, state) {
    form.querySelector("[data-status]").textContent = message;
    form.dataset.state = state;
  }

  function snapshot(form) {
    var values = {};
    FIELDS.forEach(function (name) {
      if (form.elements[name]) values[name] = form.elements[name].value;
    });
    values.joint = form.elements.joint ? form.elements.joint.checked : false;
    values.co_teachers = form.elements.co_teachers ? Array.prototype.filter.call(
      form.elements.co_teachers.options, function (o) { return o.selected; }
    ).map(function (o) { return o.value; }) : [];
    return values;
  }

  function apply(form, values) {
    FIELDS.forEach(function (name) {
      if (form.elements[name] && name in values) {
        form.elements[name].value = values[name] === null ? "" : String(values[name]);
      }
    });
    if (form.elements.joint) form.elements.joint.checked = Boolean(values.joint);
    if (form.elements.co_teachers) {
      var chosen = (values.co_teachers || []).map(String);
      Array.prototype.forEach.call(form.elements.co_teachers.options, function (o) {
        o.selected = chosen.indexOf(o.value) >= 0;
      });
    }
  }

  function chosenText(form, name) {
    var select = form.elements[name];
    if (!select || !select.value) return "";
    return select.options[select.selectedIndex].text;
  }

  // The cell's text, from what its fields hold.
  function showValues(form) {
    var has = Boolean(form.elements.entry.value);
    ["subject", "teacher", "room", "subgroup"].forEach(function (name) {
      var place = form.querySelector("[data-show=" + name + "]");
      if (place) place.textContent = chosenText(form, name);
    });
    var more = [];
    if (form.elements.weeks && form.elements.weeks.value) more.push(chosenText(form, "weeks"));
    if (form.elements.joint && form.elements.joint.checked) {
      more.push(form.elements.joint.parentNode.textContent.trim());
    }
    if (form.elements.co_teachers) {
      Array.prototype.forEach.call(form.elements.co_teachers.options, function (o) {
        if (o.selected) more.push(o.text);
      });
    }
    form.querySelector("[data-show=more]").textContent = more.join(" · ");
    form.querySelector("[data-cell-view]").hidden = !has;
    form.querySelector("[data-add]").hidden = has;
    form.querySelector("[data-edit]").hidden = !has;
    form.querySelector("[data-delete]").hidden = !has;
    if (has) form.dataset.entry = form.elements.entry.value; else delete form.dataset.entry;
  }

  function open(form) {
    form.querySelector("[data-cell-view]").hidden = true;
    form.querySelector("[data-add]").hidden = true;
    form.querySelector("[data-edit]").hidden = true;
    form.querySelector("[data-cell-fields]").hidden = false;
    form.classList.add("editing");
    form.querySelector("select").focus();
  }

  function close(form) {
    form.querySelector("[data-cell-fields]").hidden = true;
    form.classList.remove("editing");
    showValues(form);
  }

  function restore(form, values) {
    apply(form, values || stored.get(form));
    close(form);
  }

  function post(url, form, extra) {
    var body = new FormData(form);
    body.append("date", grid.dataset.week);
    Object.keys(extra || {}).forEach(function (key) { body.append(key, extra[key]); });
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, "Accept": "application/json"}
    }).then(function (response) {
      return response.json().catch(function () { return {ok: false, errors: [text.textFailed]}; });
    }, function () { return {ok: false, errors: [text.textFailed]}; });
  }

  function succeeded(form, answer) {
    setStatus(form, [answer.message, answer.kept_message].filter(Boolean).join(" "),
              answer.kept_message ? "warning" : "saved");
  }

  function save(form) {
    setStatus(form, text.textSaving, "saving");
    post(grid.dataset.saveUrl, form).then(function (answer) {
      if (answer.ok) {
        form.elements.entry.value = answer.entry;
        stored.set(form, snapshot(form));
        close(form);
        succeeded(form, answer);
      } else {
        // Nothing was saved: the cell shows what is stored again, and why.
        restore(form, answer.stored);
        setStatus(form, (answer.errors || [text.textFailed]).concat([text.textRestored])
          .join(" "), "error");
        form.closest("[data-cell]").focus();
      }
    });
  }

  function unconfirm(button) {
    if (!button.dataset.confirming) return;
    delete button.dataset.confirming;
    button.textContent = button.dataset.label;
    clearTimeout(Number(button.dataset.timer));
  }

  function remove(form, button) {
    if (!button.dataset.confirming) {
      // The first click only asks: «Really delete?»; a second one within a while deletes.
      button.dataset.label = button.textContent;
      button.dataset.confirming = "1";
      button.textContent = button.dataset.confirmText;
      button.dataset.timer = String(setTimeout(function () { unconfirm(button); }, 5000));
      return;
    }
    unconfirm(button);
    setStatus(form, text.textSaving, "saving");
    post(grid.dataset.deleteUrl, form, {confirmed: "1"}).then(function (answer) {
      if (!answer.ok) {
        setStatus(form, (answer.errors || [text.textFailed]).join(" "), "error");
        return;
      }
      form.elements.entry.value = "";
      form.querySelectorAll("select").forEach(function (select) {
        if (select.multiple) {
          Array.prototype.forEach.call(select.options, function (o) { o.selected = false; });
        } else {
          select.value = "";
        }
      });
      form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        box.checked = false;
      });
      stored.set(form, snapshot(form));
      close(form);
      succeeded(form, answer);
      form.querySelector("[data-add]").focus();
    });
  }

  grid.querySelectorAll("[data-cell-form]").forEach(function (form) {
    stored.set(form, snapshot(form));
  });

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
    var form = cell.querySelector("[data-cell-form]");
    if (fieldName && form) {
      open(form);
      var field = form.querySelector("[name=" + fieldName + "]");
      if (field) { field.focus(); return; }
    }
    cell.focus();
  }

  grid.addEventListener("submit", function (event) {
    event.preventDefault();
    save(event.target);
  });
  grid.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var form = button.closest("form");
    if (button.matches("[data-delete]")) remove(form, button);
    else if (button.matches("[data-edit], [data-add]")) open(form);
    else if (button.matches("[data-cancel]")) {
      restore(form);
      setStatus(form, "", "");
    }
  });
  grid.addEventListener("focusout", function (event) {
    if (event.target.matches("[data-delete]")) unconfirm(event.target);
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
        var form = target.querySelector("[data-cell-form]");
        if (form) open(form);
      }
      return;
    }
    var cell = target.closest("[data-cell]");
    if (!cell) return;
    var form = target.closest("form");
    if (event.key === "Enter" && target.tagName === "SELECT") {
      event.preventDefault();
      save(form);
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (form && form.classList.contains("editing")) {
        restore(form);
        setStatus(form, "", "");
      }
      cell.focus();
    } else if (arrow && event.ctrlKey) {
      event.preventDefault();
      if (form && form.classList.contains("editing")) restore(form);
      moveTo(neighbour(cell, event.key), target.name);
    }
  });
}());
