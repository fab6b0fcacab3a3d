// The proctor board of an exam: the page is drawn by the server and complete without this
// script; this script keeps it live over the exam's proctor websocket.
//
// The server sends the whole board on connect ("proctor.board", the same shape as the JSON
// in the page), then "attempt.started", "answer.saved" (one question of one attempt answered
// or cleared: the script keeps the set of answered question ids per attempt, so a save costs
// the server no query), "attempt.closed", "attempt.deadline" (extra time, a reopened attempt)
// and "exam.closed". When an event cannot be placed (an attempt the board does not know) the
// script asks for the whole board again. Time left counts down from each deadline by the
// server's clock: the offset between the server's time and the device's is kept, so a device
// clock that is off changes nothing. Texts come from the page, already in the reader's
// language; times are shown in the server's time zone.
(function () {
  "use strict";

  var root = document.querySelector("[data-proctor-board]");
  if (!root) {
    return;
  }
  var labelsNode = document.getElementById("proctor-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : { state: {}, text: {} };
  var boardNode = document.getElementById("proctor-board");

  function text(name) {
    return labels.text[name] || "";
  }

  // Fills Python-style "%(name)s" placeholders, as the translated texts carry them.
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key] === undefined || values[key] === null ? "" : String(values[key]);
    });
  }

  function each(selector, callback) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), callback);
  }

  var timeFormat;
  try {
    timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      timeZone: root.getAttribute("data-time-zone") || undefined,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
  } catch (error) {
    timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  }

  function parseTime(iso) {
    if (!iso) {
      return null;
    }
    var moment = new Date(iso).getTime();
    return isNaN(moment) ? null : moment;
  }

  function clock(iso) {
    var moment = parseTime(iso);
    return moment === null ? "" : timeFormat.format(new Date(moment));
  }

  // "8.00" -> "8", "7.50" -> "7.50": as the server's floatformat:"-2" shows scores.
  function points(value) {
    var number = parseFloat(value);
    if (isNaN(number)) {
      return "";
    }
    return number === Math.round(number) ? String(Math.round(number)) : number.toFixed(2);
  }

  // The server's clock: server time = device time + offset.
  var offset = 0;

  function setServerTime(iso) {
    var server = parseTime(iso);
    if (server !== null) {
      offset = server - Date.now();
    }
  }

  function serverNow() {
    return Date.now() + offset;
  }

  // The board ------------------------------------------------------------------------------

  var rows = {}; // employee id -> row (answered: an object used as a set of question ids)
  var byAttempt = {}; // attempt id -> employee id

  function adopt(row) {
    var answered = {};
    (row.answered || []).forEach(function (id) {
      answered[id] = true;
    });
    row.answered = answered;
    return row;
  }

  function answeredCount(row) {
    return Object.keys(row.answered).length;
  }

  function rowNode(employeeId) {
    return root.querySelector('tr[data-employee="' + employeeId + '"]');
  }

  function cell(node, name) {
    return node.querySelector('[data-cell="' + name + '"]');
  }

  function setCell(node, name, content) {
    var target = cell(node, name);
    if (!target) {
      return;
    }
    while (target.firstChild) {
      target.removeChild(target.firstChild);
    }
    (Array.isArray(content) ? content : [content]).forEach(function (part) {
      if (part === null || part === undefined || part === "") {
        return;
      }
      target.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
    });
  }

  function span(className, content) {
    var node = document.createElement("span");
    node.className = className;
    node.textContent = content;
    return node;
  }

  function secondsLeft(row) {
    var deadline = parseTime(row.deadline);
    return deadline === null ? 0 : Math.max(0, Math.floor((deadline - serverNow()) / 1000));
  }

  function timeLeft(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    var two = function (value) {
      return (value < 10 ? "0" : "") + value;
    };
    return hours ? hours + ":" + two(minutes) + ":" + two(rest) : minutes + ":" + two(rest);
  }

  function drawTime(node, row) {
    if (row.state === "in_progress") {
      var seconds = secondsLeft(row);
      if (seconds > 0) {
        var time = span("proctor-clock" + (seconds < 300 ? " low" : ""), timeLeft(seconds));
        setCell(node, "time", time);
      } else {
        setCell(node, "time", text("time-up"));
      }
    } else if (row.submitted_at) {
      setCell(node, "time", fill(text("submitted-at"), { time: clock(row.submitted_at) }));
    } else {
      setCell(node, "time", "");
    }
  }

  function drawRow(employeeId, flash) {
    var row = rows[employeeId];
    var node = rowNode(employeeId);
    if (!row || !node) {
      return;
    }
    node.setAttribute("data-state", row.state);
    setCell(
      node,
      "state",
      span("proctor-state proctor-" + row.state, labels.state[row.state] || row.state)
    );
    setCell(
      node,
      "answered",
      row.state === "in_progress"
        ? fill(text("answered"), { answered: answeredCount(row), questions: row.questions })
        : ""
    );
    drawTime(node, row);
    if (row.state === "graded" && row.score !== null && row.score !== undefined) {
      setCell(node, "score", [
        fill(text("score"), { score: points(row.score), max: points(row.max_score) }),
        " ",
        span("status " + (row.passed ? "ok" : "off"), text(row.passed ? "passed" : "failed")),
      ]);
    } else {
      setCell(node, "score", "");
    }
    setCell(node, "attempt", row.attempt_number ? String(row.attempt_number) : "");
    if (flash) {
      node.classList.add("changed");
      window.setTimeout(function () {
        node.classList.remove("changed");
      }, 1500);
    }
  }

  function drawCounts() {
    var counts = { candidates: 0, not_started: 0, in_progress: 0, submitted: 0, graded: 0 };
    Object.keys(rows).forEach(function (id) {
      counts.candidates += 1;
      counts[rows[id].state] = (counts[rows[id].state] || 0) + 1;
    });
    counts.handed_in = counts.submitted + counts.graded;
    Object.keys(counts).forEach(function (key) {
      each('[data-count="' + key + '"]', function (node) {
        node.textContent = String(counts[key]);
      });
    });
  }

  function showClosed(iso) {
    each("[data-exam-closed]", function (node) {
      node.textContent = fill(text("exam-closed"), { time: clock(iso) });
      node.hidden = false;
    });
  }

  function onBoard(data) {
    setServerTime(data.server_time);
    rows = {};
    byAttempt = {};
    (data.rows || []).forEach(function (row) {
      rows[row.employee_id] = adopt(row);
      if (row.attempt_id) {
        byAttempt[row.attempt_id] = row.employee_id;
      }
      drawRow(row.employee_id, false);
    });
    drawCounts();
    if (data.closed_early_at) {
      showClosed(data.closed_early_at);
    }
  }

  // Events ---------------------------------------------------------------------------------

  var lastRefresh = 0;

  function refresh() {
    // The server also limits this; asking often would only be ignored.
    if (Date.now() - lastRefresh > 5000) {
      lastRefresh = Date.now();
      send({ action: "refresh" });
    }
  }

  // The row of an attempt the event is about, or null (then the whole board is asked for).
  function rowOf(data) {
    var employeeId = byAttempt[data.attempt];
    if (employeeId === undefined) {
      employeeId = data.employee;
      var row = rows[employeeId];
      if (!row || row.attempt_id !== data.attempt) {
        return null;
      }
    }
    return rows[employeeId] || null;
  }

  function onStarted(data) {
    var row = rows[data.employee];
    if (!row) {
      refresh(); // a candidate added since the page loaded
      return;
    }
    row.state = "in_progress";
    row.attempt_id = data.attempt;
    row.attempt_number = data.number || (row.attempt_number || 0) + 1;
    row.questions = data.questions;
    row.answered = {};
    row.deadline = data.deadline;
    row.submitted_at = null;
    row.score = null;
    row.passed = null;
    byAttempt[data.attempt] = data.employee;
    drawRow(data.employee, true);
    drawCounts();
  }

  function onSaved(data) {
    var row = rowOf(data);
    if (!row || row.state !== "in_progress") {
      refresh();
      return;
    }
    if (data.answered) {
      row.answered[data.question] = true;
    } else {
      delete row.answered[data.question];
    }
    drawRow(row.employee_id, false);
  }

  function onClosed(data) {
    var row = rowOf(data);
    if (!row) {
      refresh();
      return;
    }
    row.state = data.status;
    row.deadline = data.deadline;
    row.submitted_at = data.submitted_at;
    if (data.score !== undefined) {
      row.score = data.score;
      row.max_score = data.max_score;
      row.passed = data.passed;
    }
    drawRow(row.employee_id, true);
    drawCounts();
  }

  function onDeadline(data) {
    var row = rowOf(data);
    if (!row) {
      refresh();
      return;
    }
    var wasInProgress = row.state === "in_progress";
    row.deadline = data.deadline;
    row.state = data.status || row.state;
    if (row.state === "in_progress" && !wasInProgress) {
      refresh(); // reopened: its answers are not on this board
    }
    drawRow(row.employee_id, true);
    drawCounts();
  }

  function onExamClosed(data) {
    showClosed(data.closed_at);
    each("#close", function (node) {
      node.hidden = true;
    });
  }

  // The countdowns: once a second, from the server's clock.
  window.setInterval(function () {
    Object.keys(rows).forEach(function (id) {
      if (rows[id].state === "in_progress") {
        var node = rowNode(id);
        if (node) {
          drawTime(node, rows[id]);
        }
      }
    });
  }, 1000);

  if (boardNode) {
    try {
      onBoard(JSON.parse(boardNode.textContent));
    } catch (error) {
      // The page as the server drew it stays.
    }
  }

  // The websocket ---------------------------------------------------------------------------

  var handlers = {
    "proctor.board": onBoard,
    "attempt.started": onStarted,
    "answer.saved": onSaved,
    "attempt.closed": onClosed,
    "attempt.deadline": onDeadline,
    "exam.closed": onExamClosed,
  };
  function setConnection(state, message) {
    each("[data-connection]", function (node) {
      node.setAttribute("data-state", state);
      node.textContent = message;
    });
  }

  var live = window.liveSocket(root.getAttribute("data-ws-path"), handlers, function (state, key) {
    setConnection(state, text(key));
  });
  var send = live.send;

  each("form[data-confirm]", function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
