// The journal grid: fast keyboard entry of marks, attendance and finals (R-JRN-1…6).
//
// Entering: a cell's value is selected when the cell gets the focus (a click or a move),
// so what is typed replaces it. A cell is saved when its value has changed and the focus
// leaves it (Enter, arrows, Tab, a click elsewhere), never on every keypress. Enter or
// ArrowDown moves to the next pupil in the same column, ArrowUp to the previous one,
// ArrowLeft/Right to the neighbouring column, Escape restores the saved value.
//
// What a cell takes is checked against the tables the server reads too
// (data-attendance-inputs, data-mark-inputs, data-debt-inputs: journal/cells.py), and the
// server reads the typed text again. A refused value never passes for data: while the
// cell has the focus it keeps the typed value with the reason next to it (Escape restores
// the stored one); once the focus has gone on, the cell shows the stored value again and
// the note says what was not saved. On a conflict (someone else saved first) the cell
// shows the value stored on the server and takes its version, so the user can decide.
//
// One lesson at a time (on a phone, or when chosen): the grid shows the pupils' names and
// one column of one lesson (today's by default), and a complete value typed in a cell
// moves on to the next pupil. The cells are the same inputs, so they save the same way.
(function () {
  "use strict";
  var grid = document.querySelector("[data-journal-grid]");
  if (!grid) return;
  var conf = grid.dataset;
  var wrap = grid.closest("[data-grid-wrap]");
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  var statusLine = document.querySelector("[data-grid-status]");
  var bar = document.querySelector("[data-grid-bar]");
  var historyDialog = document.querySelector("[data-history-dialog]");
  var commentDialog = document.querySelector("[data-comment-dialog]");
  var attendanceInputs = JSON.parse(conf.attendanceInputs || "{}");
  var markInputs = JSON.parse(conf.markInputs || "{}");
  var debtInputs = JSON.parse(conf.debtInputs || "[]");
  var STATES = ["jg-saving", "jg-saved", "jg-error", "jg-conflict"];
  var lastInput = null;  // the cell the bar's buttons act on
  var noteCount = 0;

  // Reading what was typed (as journal/cells.py reads it) --------------------------------

  function typed(raw) { return raw.replace(/\s+/g, "").toLowerCase(); }

  // Null when accepted, else why not.
  function refusal(input) {
    var value = typed(input.value);
    if (!value) return null;
    if (input.dataset.kind === "attendance") {
      var kind = attendanceInputs[value];
      if (kind === "late") return conf.textLate;
      if (kind) return null;
      var found = /^(\D+)(\d{1,3})$/.exec(value);
      if (found && attendanceInputs[found[1]] === "late") {
        var minutes = parseInt(found[2], 10);
        return minutes >= 1 && minutes <= 90 ? null : conf.textLate;
      }
      return conf.textAttendance;
    }
    if (debtInputs.indexOf(value) >= 0) {
      return input.dataset.kind === "final" ? conf.textFinalDebt : null;
    }
    return Object.prototype.hasOwnProperty.call(markInputs, value) ? null : conf.textScale;
  }

  // A value nothing longer can follow (a mark, «н»; not «у», which may become «уп», nor
  // a late one, which takes its minutes): one lesson's entry moves on after it by itself.
  function complete(input) {
    var value = typed(input.value);
    if (!value || refusal(input)) return false;
    var forms = input.dataset.kind === "attendance" ? Object.keys(attendanceInputs)
      : Object.keys(markInputs).concat(debtInputs);
    if (input.dataset.kind === "attendance" && /\d/.test(value)) return false;
    return !forms.some(function (form) {
      return form.length > value.length && form.indexOf(value) === 0;
    });
  }

  // States and notes ---------------------------------------------------------------------

  function setState(input, state, message) {
    var td = input.closest("td");
    STATES.forEach(function (name) { td.classList.remove(name); });
    if (state) td.classList.add("jg-" + state);
    if (message !== undefined) {
      statusLine.textContent = message;
      statusLine.dataset.state = state || "";
    }
  }

  // A note next to the cell (why a value was refused); it goes with the next save or
  // Escape.
  function note(input, message) {
    var td = input.closest("td");
    var box = td.querySelector(".jg-note-pop");
    if (!box) {
      box = document.createElement("span");
      box.className = "jg-note-pop";
      box.id = "jg-note-" + (++noteCount);
      box.setAttribute("data-cell-note", "");
      td.appendChild(box);
      input.setAttribute("aria-describedby", box.id);
    }
    box.textContent = message;
  }

  function clearNote(input) {
    var box = input.closest("td").querySelector(".jg-note-pop");
    if (box) box.remove();
    input.removeAttribute("aria-describedby");
  }

  function refuse(input, value, message, away) {
    if (!away && document.activeElement === input) {
      // Still in the cell: the typed value stays for correcting; Escape restores.
      input.dataset.failed = value;
    } else {
      // The focus has gone on: the cell shows what is stored, the note what was not.
      input.value = input.dataset.saved;
      delete input.dataset.failed;
      message = conf.textNotSaved.replace("%(value)s", value) + " " + message;
    }
    setState(input, "error", message);
    note(input, message);
  }

  function restore(input) {
    input.value = input.dataset.saved;
    delete input.dataset.failed;
    clearNote(input);
    setState(input, "", "");
    if (document.activeElement === input) input.select();  // typing replaces it again
  }

  // Saving -------------------------------------------------------------------------------

  function body(input, extra) {
    var data = input.dataset;
    var fields = {pupil: data.pupil, version: data.version};
    if (data.kind === "mark") {
      fields.task = data.task;
      fields.value = input.value;
      fields.comment = extra && extra.comment !== undefined ? extra.comment
        : (data.comment || "");
    } else if (data.kind === "attendance") {
      fields.lesson = data.lesson;
      fields.text = input.value;
    } else {
      fields["class"] = conf["class"];
      fields.subject = conf.subject;
      fields.kind = data.finalKind;
      fields.period = data.period;
      fields.value = input.value;
    }
    return new URLSearchParams(fields);
  }

  function url(input) {
    return {mark: conf.markUrl, attendance: conf.attendanceUrl, "final": conf.finalUrl}[
      input.dataset.kind];
  }

  // ``away``: the focus is leaving the cell.
  function save(input, extra, away) {
    var why = refusal(input);
    if (why) {
      refuse(input, input.value, why, away);
      return false;
    }
    var sent = input.value;
    input.dataset.pending = sent;
    setState(input, "saving", conf.textSaving);
    fetch(url(input), {
      method: "POST", body: body(input, extra), credentials: "same-origin",
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
        if (input.dataset.kind === "mark") {
          input.dataset.comment = cell.comment || "";
          input.title = input.dataset.baseTitle + (cell.comment ? ": " + cell.comment : "");
        } else if (input.dataset.kind === "attendance") {
          input.title = cell.value;  // «late, 10 min»
        }
        delete input.dataset.failed;
        clearNote(input);
        // Show the stored form (the letter of an absence) unless the user typed on.
        if (input.value === sent) input.value = cell.text;
        setState(input, "saved", conf.textSaved + (cell.updated_by ? ": " + cell.updated_by +
                 ", " + cell.updated_at : ""));
      } else if (answer.conflict) {
        var current = answer.current;
        input.dataset.version = current.version;
        input.dataset.saved = current.text;
        if (input.dataset.kind === "mark") input.dataset.comment = current.comment || "";
        input.value = current.text;
        delete input.dataset.failed;
        var message = conf.textNotSaved.replace("%(value)s", sent) + " " + answer.message;
        setState(input, "conflict", message);
        note(input, message);
      } else {
        refuse(input, sent, answer.message || conf.textFailed);
      }
    });
    return true;
  }

  function changed(input) {
    return input.value !== input.dataset.saved && input.value !== input.dataset.pending;
  }

  // Before moving on: false (and the focus stays) when the value is refused.
  function saveBeforeMoving(input) {
    if (!changed(input)) return true;
    return save(input);
  }

  // Moving -------------------------------------------------------------------------------

  // The td at the same index in the next row holding an input; the rows share one
  // layout, so the index is the column.
  function vertical(input, step) {
    var td = input.closest("td");
    var index = td.cellIndex;
    for (var row = sibling(td.parentElement, step); row; row = sibling(row, step)) {
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

  // Pop-ups next to the cell -------------------------------------------------------------

  // A dialog opened as modal sits in the top layer: placed under the cell (above it when
  // there is no room below), within the window.
  function openNear(dialog, input) {
    dialog.showModal();
    var cell = input.closest("td").getBoundingClientRect();
    var width = dialog.offsetWidth, height = dialog.offsetHeight;
    var left = Math.max(8, Math.min(cell.left, window.innerWidth - width - 8));
    var top = cell.bottom + 4;
    if (top + height > window.innerHeight - 8) top = Math.max(8, cell.top - height - 4);
    dialog.style.left = left + "px";
    dialog.style.top = top + "px";
  }

  function backTo(dialog, input) {
    dialog.addEventListener("close", function once() {
      dialog.removeEventListener("close", once);
      if (input.isConnected) go(input);
    });
  }

  function showHistory(input) {
    var data = input.dataset;
    if (data.kind === "final" && !data["final"]) return;
    var query = data.kind === "mark" ? {task: data.task, pupil: data.pupil}
      : data.kind === "attendance" ? {lesson: data.lesson, pupil: data.pupil}
      : {"final": data["final"]};
    fetch(conf.historyUrl + "?" + new URLSearchParams(query), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html) return;
        historyDialog.querySelector("[data-history]").innerHTML = html;
        backTo(historyDialog, input);
        openNear(historyDialog, input);
      });
  }

  function comment(input) {
    if (input.dataset.kind !== "mark" || !commentDialog) return;
    if (!input.value.trim() || refusal(input)) {
      setState(input, "", conf.textNoMark);
      return;
    }
    var text = commentDialog.querySelector("textarea");
    text.value = input.dataset.comment || "";
    commentDialog.querySelector("[data-comment-cell]").textContent =
      input.getAttribute("aria-label") + ": " + input.value;
    commentDialog.returnValue = "";
    commentDialog.addEventListener("close", function once() {
      commentDialog.removeEventListener("close", once);
      if (commentDialog.returnValue === "save" && text.value !== (input.dataset.comment || "")) {
        save(input, {comment: text.value});
      }
      if (input.isConnected) go(input);
    });
    openNear(commentDialog, input);
    text.focus();
  }

  // One lesson at a time -----------------------------------------------------------------

  var headRow = grid.tHead.rows[0], workRow = grid.tHead.rows[1];
  var bodyRows = Array.prototype.slice.call(grid.tBodies[0].rows);
  var offset = 0;  // the columns before the lessons' (№ and the name)
  for (var c = 0; c < headRow.cells.length && !headRow.cells[c].dataset.lessonHead; c++) {
    offset += headRow.cells[c].colSpan;
  }
  var lessons = [];
  Array.prototype.forEach.call(headRow.querySelectorAll("[data-lesson-head]"), function (th) {
    var start = lessons.length ? lessons[lessons.length - 1].end : offset;
    var link = th.querySelector("a");
    var number = th.querySelector(".muted");
    lessons.push({th: th, pk: th.dataset.lessonHead, start: start, end: start + th.colSpan,
                  span: th.colSpan,
                  label: link.textContent + (number ? ", " + number.textContent : "") +
                         (link.title ? " — " + link.title : "")});
  });
  var pickLesson = bar && bar.querySelector("[data-pick-lesson]");
  var pickColumn = bar && bar.querySelector("[data-pick-column]");
  var toggle = bar && bar.querySelector("[data-view-toggle]");
  var current = {lesson: 0, column: 0};
  var one = false;

  function workHead(index) { return workRow.cells[index - offset]; }

  function columnsOf(lesson) {
    var columns = [];
    for (var index = lesson.start; index < lesson.end; index++) {
      var head = workHead(index);
      columns.push(index === lesson.start ? conf.textAttendanceColumn
                   : head.title || head.textContent);
    }
    return columns;
  }

  function lessonOf(pk) {
    for (var i = 0; i < lessons.length; i++) if (lessons[i].pk === pk) return i;
    return -1;
  }

  // Where the grid opens: the column named in the address (#task-… after a new work or
  // a choice, #lesson-… for a lesson's attendance), else today's lesson (with its last
  // work when it has one, else its attendance).
  function start() {
    var named = /^#lesson-(\d+)$/.exec(window.location.hash);
    var index = lessonOf(named ? named[1] : conf.today);
    if (index < 0) index = lessonOf(conf.today);
    current = {lesson: index < 0 ? 0 : index, column: 0};
    var lesson = lessons[current.lesson];
    if (!named && lesson && lesson.span > 1) current.column = lesson.span - 1;
    var found = /^#task-(\d+)$/.exec(window.location.hash);
    var head = found && workRow.querySelector("[data-task-head='" + found[1] + "']");
    if (head) {
      var column = head.cellIndex + offset;
      lessons.forEach(function (lesson, i) {
        if (column >= lesson.start && column < lesson.end) {
          current = {lesson: i, column: column - lesson.start};
        }
      });
    }
  }

  function fillPickers() {
    if (!pickLesson) return;
    pickLesson.innerHTML = "";
    lessons.forEach(function (lesson, i) {
      pickLesson.add(new Option(lesson.label, String(i), false, i === current.lesson));
    });
    pickColumn.innerHTML = "";
    columnsOf(lessons[current.lesson]).forEach(function (label, i) {
      pickColumn.add(new Option(label, String(i), false, i === current.column));
    });
  }

  function show() {
    grid.querySelectorAll(".jg-current").forEach(function (el) {
      el.classList.remove("jg-current");
    });
    grid.classList.toggle("jg-one", one);
    wrap.classList.toggle("jg-one-wrap", one);
    bar.classList.toggle("jg-bar-one", one);
    toggle.textContent = one ? toggle.dataset.textAll : toggle.dataset.textOne;
    lessons.forEach(function (lesson) { lesson.th.colSpan = one ? 1 : lesson.span; });
    if (!one) {
      measureHead();
      return;
    }
    var lesson = lessons[current.lesson];
    var index = lesson.start + current.column;
    lesson.th.classList.add("jg-current");
    workHead(index).classList.add("jg-current");
    bodyRows.forEach(function (row) {
      var cell = row.cells[index];
      if (!cell) return;
      cell.classList.add("jg-current");
      var input = cell.querySelector(".jg-input");
      if (input) input.enterKeyHint = "next";  // a phone's keyboard: "next", not "go"
    });
    fillPickers();
  }

  // The choice stays in the address, so that a reload shows the same column.
  function remember() {
    var lesson = lessons[current.lesson];
    var head = workHead(lesson.start + current.column);
    var hash = current.column ? "#task-" + head.dataset.taskHead : "#lesson-" + lesson.pk;
    window.history.replaceState(null, "", hash);
  }

  function firstInput() {
    var lesson = lessons[current.lesson];
    var index = lesson.start + current.column;
    for (var i = 0; i < bodyRows.length; i++) {
      var input = bodyRows[i].cells[index] && bodyRows[i].cells[index].querySelector(".jg-input");
      if (input) return input;
    }
    return null;
  }

  // On a wide screen: today's lesson (or the chosen one) in view, the lessons before it
  // on its left.
  function scrollToLesson() {
    var lesson = lessons[current.lesson];
    if (!lesson || one) return;
    var box = wrap.getBoundingClientRect();
    var head = lesson.th.getBoundingClientRect();
    var frozen = grid.tHead.querySelector(".jg-name").getBoundingClientRect().right - box.left;
    var room = wrap.clientWidth - frozen;
    var left = wrap.scrollLeft + (head.right - box.left) - frozen - room * 0.85;
    // The first lesson shown starts right at the names, not cut in the middle.
    for (var i = 0; i <= current.lesson; i++) {
      var start = wrap.scrollLeft + lessons[i].th.getBoundingClientRect().left - box.left - frozen;
      if (start >= left) {
        left = start;
        break;
      }
    }
    wrap.scrollLeft = Math.max(0, Math.round(left));  // whole pixels: no seams by the sticky cells
  }

  // The second header row sticks under the first: its height is known once laid out.
  function measureHead() {
    grid.style.setProperty("--jg-head", headRow.getBoundingClientRect().height + "px");
  }

  // Wiring -------------------------------------------------------------------------------

  grid.querySelectorAll(".jg-input").forEach(function (input) {
    input.dataset.saved = input.value;
    var comment = input.dataset.comment ? ": " + input.dataset.comment : "";
    input.dataset.baseTitle = input.title.slice(0, input.title.length - comment.length);
  });

  // The click that focuses a cell would put the caret where it landed, after the
  // selection made on focus: that mouseup is cancelled.
  var selectOnMouseUp = null;
  grid.addEventListener("mousedown", function (event) {
    var input = event.target;
    selectOnMouseUp = input.classList && input.classList.contains("jg-input") &&
      input !== document.activeElement ? input : null;
  });
  grid.addEventListener("mouseup", function (event) {
    if (event.target === selectOnMouseUp) event.preventDefault();
    selectOnMouseUp = null;
  });
  grid.addEventListener("focusin", function (event) {
    var input = event.target;
    if (!input.classList.contains("jg-input")) return;
    lastInput = input;
    input.select();
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
      if (saveBeforeMoving(input)) go(below);
    } else if (key === "ArrowUp") {
      event.preventDefault();
      if (saveBeforeMoving(input)) go(vertical(input, -1));
    } else if ((key === "ArrowLeft" || key === "ArrowRight") && !one) {
      event.preventDefault();
      if (saveBeforeMoving(input)) go(horizontal(input, key === "ArrowLeft" ? -1 : 1));
    } else if (key === "Tab") {
      if (changed(input) && refusal(input)) {
        event.preventDefault();
        save(input);  // refused: says why, and the focus stays
      }
    } else if (key === "Escape") {
      event.preventDefault();
      restore(input);
    }
  });

  // One lesson: a complete value goes to the next pupil by itself.
  grid.addEventListener("input", function (event) {
    var input = event.target;
    if (!one || event.isComposing || !input.classList.contains("jg-input") ||
        !complete(input)) return;
    var below = vertical(input, 1);
    if (!changed(input) || save(input)) go(below);
  });

  // A click elsewhere: the focus leaves a changed cell, which saves it (or, refused,
  // shows the stored value again with a note).
  grid.addEventListener("focusout", function (event) {
    var input = event.target;
    if (!input.classList.contains("jg-input") || !changed(input)) return;
    save(input, undefined, true);
  });

  grid.addEventListener("dblclick", function (event) {
    if (event.target.classList.contains("jg-input")) showHistory(event.target);
  });

  if (bar) {
    bar.hidden = false;
    toggle.addEventListener("click", function () {
      one = !one;
      show();
      scrollToLesson();
    });
    pickLesson.addEventListener("change", function () {
      var lesson = lessons[parseInt(pickLesson.value, 10)];
      current = {lesson: parseInt(pickLesson.value, 10), column: lesson.span - 1};
      show();
      remember();
      go(firstInput());
    });
    pickColumn.addEventListener("change", function () {
      current.column = parseInt(pickColumn.value, 10);
      show();
      remember();
      go(firstInput());
    });
    var withCell = function (action) {
      return function () {
        if (lastInput) action(lastInput);
        else statusLine.textContent = conf.textNoCell;
      };
    };
    var commentButton = bar.querySelector("[data-comment-button]");
    if (commentButton) commentButton.addEventListener("click", withCell(comment));
    var historyButton = bar.querySelector("[data-history-button]");
    if (historyButton) historyButton.addEventListener("click", withCell(showHistory));
  }

  if (lessons.length) {
    start();
    one = window.matchMedia("(max-width: 40rem)").matches;
    show();
    scrollToLesson();
  }
})();
