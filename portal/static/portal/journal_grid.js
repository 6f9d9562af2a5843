// The journal grid: fast keyboard entry of marks, attendance and finals (R-JRN-1…6).
// A cell is saved when its value has changed and the focus leaves it (Enter, arrows,
// Tab, a click elsewhere), never on every keypress. Enter or ArrowDown moves to the next
// pupil in the same column, ArrowUp to the previous one, ArrowLeft/Right to the
// neighbouring column, Escape restores the saved value. Each cell shows its state with a
// CSS class (jg-saving, jg-saved, jg-error, jg-conflict) and a title; on a conflict it
// shows the value stored on the server and takes its version, so the user can decide.
(function () {
  "use strict";
  var grid = document.querySelector("[data-journal-grid]");
  if (!grid) return;
  var conf = grid.dataset;
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  var statusLine = document.querySelector("[data-grid-status]");
  var historyBox = document.querySelector("[data-history]");
  var scale = conf.scale ? conf.scale.split(",") : [];
  var debtWords = ["д", "долг", "debt", (conf.debtWord || "").toLowerCase()];
  var STATES = ["jg-saving", "jg-saved", "jg-error", "jg-conflict"];

  function lower(value) { return value.trim().toLowerCase(); }

  // Attendance as on paper: н/a absent, у/уп/v valid reason, б/i ill, о/l + minutes late;
  // the letters the grid shows (data-letter-*) are accepted too. Null: not understood.
  function parseAttendance(raw) {
    var value = lower(raw).replace(/\s+/g, "");
    if (!value) return {kind: ""};
    var words = {
      absent: ["н", "a", lower(conf.letterAbsent)],
      valid: ["у", "уп", "v", lower(conf.letterValid)],
      ill: ["б", "i", lower(conf.letterIll)]
    };
    for (var kind in words) {
      if (words[kind].indexOf(value) >= 0) return {kind: kind};
    }
    var late = [lower(conf.letterLate), "о", "o", "l"];
    for (var i = 0; i < late.length; i++) {
      if (late[i] && value.indexOf(late[i]) === 0) {
        var minutes = value.slice(late[i].length);
        if (/^\d{1,2}$/.test(minutes)) return {kind: "late", late_minutes: minutes};
      }
    }
    return null;
  }

  function parseMark(raw) {
    var value = raw.trim();
    if (debtWords.indexOf(value.toLowerCase()) >= 0) return {value: "", debt: "1"};
    if (value && scale.length && scale.indexOf(value) < 0) return null;
    return {value: value, debt: ""};
  }

  function setState(input, state, message) {
    var td = input.closest("td");
    STATES.forEach(function (name) { td.classList.remove(name); });
    if (state) td.classList.add("jg-" + state);
    if (message !== undefined) {
      input.title = message;
      statusLine.textContent = message;
      statusLine.dataset.state = state || "";
    }
  }

  function body(input, parsed) {
    var data = input.dataset;
    var fields = {pupil: data.pupil, version: data.version};
    if (data.kind === "mark") {
      fields.task = data.task;
      fields.value = parsed.value;
      fields.debt = parsed.debt;
      fields.comment = parsed.comment !== undefined ? parsed.comment : (data.comment || "");
    } else if (data.kind === "attendance") {
      fields.lesson = data.lesson;
      fields.kind = parsed.kind;
      fields.late_minutes = parsed.late_minutes || "";
    } else {
      fields["class"] = conf["class"];
      fields.subject = conf.subject;
      fields.kind = data.finalKind;
      fields.period = data.period;
      fields.value = parsed.value;
    }
    return new URLSearchParams(fields);
  }

  function url(input) {
    return {mark: conf.markUrl, attendance: conf.attendanceUrl, "final": conf.finalUrl}[
      input.dataset.kind];
  }

  function parse(input) {
    if (input.dataset.kind === "attendance") return parseAttendance(input.value);
    var parsed = parseMark(input.value);
    if (parsed && input.dataset.kind === "final" && parsed.debt) return null;
    return parsed;
  }

  function save(input, extra) {
    var parsed = parse(input);
    if (parsed === null) {
      input.dataset.failed = input.value;
      setState(input, "error", input.dataset.kind === "attendance" ? conf.textAttendance
                                                                     : conf.textScale);
      return;
    }
    if (extra) Object.assign(parsed, extra);
    var sent = input.value;
    input.dataset.pending = sent;
    setState(input, "saving", conf.textSaving);
    fetch(url(input), {
      method: "POST", body: body(input, parsed), credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, "Accept": "application/json"}
    }).then(function (response) {
      return response.json().catch(function () { return {ok: false, message: conf.textFailed}; });
    }, function () {
      return {ok: false, message: conf.textFailed};
    }).then(function (answer) {
      delete input.dataset.pending;
      if (answer.ok) {
        var cell = answer.cell;
        input.dataset.version = cell.version;
        input.dataset.saved = cell.text;
        if (input.dataset.kind === "mark") input.dataset.comment = cell.comment || "";
        delete input.dataset.failed;
        // Show the stored form (the letter of an absence) unless the user typed on.
        if (input.value === sent) input.value = cell.text;
        setState(input, "saved", conf.textSaved + (cell.updated_by ? ": " + cell.updated_by +
                 ", " + cell.updated_at : ""));
      } else if (answer.conflict) {
        var current = answer.current;
        input.dataset.version = current.version;
        input.dataset.saved = current.text;
        input.value = current.text;
        setState(input, "conflict", answer.message);
      } else {
        input.dataset.failed = sent;
        setState(input, "error", answer.message || conf.textFailed);
      }
    });
  }

  function saveIfChanged(input) {
    if (input.value === input.dataset.saved) return;
    if (input.value === input.dataset.failed) return;  // the same refused value again
    if (input.value === input.dataset.pending) return;  // already on its way
    save(input);
  }

  // Moving: the td at the same index in the next row holding an input; the rows share
  // one layout, so the index is the column.
  function vertical(input, step) {
    var td = input.closest("td");
    var row = td.parentElement;
    var index = td.cellIndex;
    for (row = sibling(row, step); row; row = sibling(row, step)) {
      var target = row.cells[index] && row.cells[index].querySelector(".jg-input");
      if (target) return target;
    }
    return null;
  }

  function sibling(row, step) {
    return step > 0 ? row.nextElementSibling : row.previousElementSibling;
  }

  function horizontal(input, step) {
    var inputs = Array.prototype.slice.call(input.closest("tr").querySelectorAll(".jg-input"));
    return inputs[inputs.indexOf(input) + step] || null;
  }

  function go(target) {
    if (!target) return;
    target.focus();
    target.select();
  }

  function showHistory(input) {
    var data = input.dataset;
    var query = data.kind === "mark" ? {task: data.task, pupil: data.pupil}
      : data.kind === "attendance" ? {lesson: data.lesson, pupil: data.pupil}
      : {"final": data["final"]};
    if (data.kind === "final" && !data["final"]) return;
    fetch(conf.historyUrl + "?" + new URLSearchParams(query), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        historyBox.innerHTML = html;
        historyBox.hidden = !html;
      });
  }

  function comment(input) {
    if (input.dataset.kind !== "mark") return;
    var text = window.prompt(conf.textComment, input.dataset.comment || "");
    if (text === null) return;
    save(input, {comment: text});
  }

  grid.querySelectorAll(".jg-input").forEach(function (input) {
    input.dataset.saved = input.value;
  });

  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("jg-input")) return;
    var key = event.key;
    if (event.altKey && (event.code === "KeyC" || key === "c")) {
      event.preventDefault();
      comment(input);
    } else if (event.altKey && (event.code === "KeyH" || key === "h")) {
      event.preventDefault();
      showHistory(input);
    } else if (key === "Enter" || key === "ArrowDown") {
      event.preventDefault();
      var below = vertical(input, 1);
      saveIfChanged(input);
      if (below) go(below);
    } else if (key === "ArrowUp") {
      event.preventDefault();
      saveIfChanged(input);
      go(vertical(input, -1));
    } else if (key === "ArrowLeft" || key === "ArrowRight") {
      event.preventDefault();
      saveIfChanged(input);
      go(horizontal(input, key === "ArrowLeft" ? -1 : 1));
    } else if (key === "Escape") {
      event.preventDefault();
      input.value = input.dataset.saved;
      delete input.dataset.failed;
      setState(input, "", "");
    }
  });

  // Tab, a click elsewhere: the focus leaves a changed cell, which saves it.
  grid.addEventListener("change", function (event) {
    if (event.target.classList.contains("jg-input")) saveIfChanged(event.target);
  });

  grid.addEventListener("dblclick", function (event) {
    if (event.target.classList.contains("jg-input")) showHistory(event.target);
  });
})();
