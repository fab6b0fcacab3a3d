// Live attendance pages: a session's hub, roll-call sheet and projector listen on the session's
// websocket. The server sends the whole board on connect ("attendance.board"), then each change
// ("attendance.changed"), edits of the sign-in window ("window.changed"), refused proxy
// sign-ins ("proxy.refused"), trainees or addresses locked out after too many wrong codes
// ("sign_in.locked") and, to the projector only, the current code at every rotation
// ("code"). The server decides everything; this script only draws it. Its texts come from the
// page (a JSON script element), already in the reader's language; times are shown in the
// server's time zone.
(function () {
  "use strict";

  var root = document.querySelector("[data-attendance-live]");
  if (!root) {
    return;
  }
  var mode = root.getAttribute("data-attendance-live"); // board, roll-call or projector
  var labelsNode = document.getElementById("attendance-labels");
  var labels = labelsNode
    ? JSON.parse(labelsNode.textContent)
    : { status: {}, method: {}, text: {} };

  function text(name) {
    return labels.text[name] || "";
  }

  // Fills Python-style "%(name)s" placeholders, as the translated texts carry them.
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key] === undefined || values[key] === null ? "" : String(values[key]);
    });
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

  function clock(iso) {
    if (!iso) {
      return "";
    }
    var moment = new Date(iso);
    return isNaN(moment.getTime()) ? "" : timeFormat.format(moment);
  }

  function each(selector, callback) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), callback);
  }

  // The board: every enrolled trainee's row, once the server has sent it -----------------------

  var rows = null; // employee id -> row
  var order = []; // employee ids in the board's order (department, employee number)

  function setCounts(counts) {
    Object.keys(counts).forEach(function (key) {
      each('[data-count="' + key + '"]', function (node) {
        node.textContent = String(counts[key]);
      });
    });
  }

  function listItem(id, name, detail) {
    var item = document.createElement("li");
    if (id !== null) {
      item.setAttribute("data-employee", String(id));
    }
    var main = document.createElement("span");
    main.textContent = name;
    var aside = document.createElement("span");
    aside.className = "muted";
    aside.textContent = detail;
    item.appendChild(main);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(aside);
    return item;
  }

  function drawList(name, items) {
    each('[data-list="' + name + '"]', function (list) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      items.forEach(function (item) {
        list.appendChild(item.cloneNode(true));
      });
    });
    each('[data-empty="' + name + '"]', function (node) {
      node.hidden = items.length > 0;
    });
    each('[data-panel="' + name + '"]', function (node) {
      node.hidden = items.length === 0;
    });
  }

  function boardCounts() {
    var counts = { present: 0, late: 0, absent: 0, excused: 0, missing: 0 };
    order.forEach(function (id) {
      counts[rows[id].status || "missing"] += 1;
    });
    counts.signed_in = counts.present + counts.late;
    counts.enrolled = order.length;
    return counts;
  }

  function drawBoard() {
    var late = [];
    var missing = [];
    order.forEach(function (id) {
      var row = rows[id];
      if (row.status === "late") {
        late.push(listItem(id, row.name, clock(row.signed_in_at)));
      } else if (!row.status) {
        missing.push(listItem(id, row.name, row.employee_no));
      }
    });
    setCounts(boardCounts());
    drawList("late", late);
    drawList("missing", missing);
  }

  function stateText(row) {
    if (!row.status) {
      return text("not-recorded");
    }
    var parts = [labels.status[row.status] || row.status];
    if (row.method) {
      parts.push(labels.method[row.method] || row.method);
    }
    if (row.signed_in_at) {
      parts.push(clock(row.signed_in_at));
    }
    return parts.join(" · ") + (row.reason ? " — " + row.reason : "");
  }

  // A roll-call row changed elsewhere (another instructor, a sign-in): redraw it in place.
  function drawRollCallRow(row) {
    var item = document.getElementById("rc-row-" + row.employee_id);
    if (!item) {
      return;
    }
    var before = item.getAttribute("data-status") || "";
    item.setAttribute("data-status", row.status || "");
    Array.prototype.forEach.call(item.querySelectorAll('button[name="status"]'), function (button) {
      button.setAttribute("aria-pressed", button.value === row.status ? "true" : "false");
    });
    var reason = item.querySelector('input[name="reason"]');
    if (reason) {
      reason.value = row.reason || "";
    }
    var state = item.querySelector('[data-cell="state"]');
    if (state) {
      state.textContent = stateText(row);
    }
    if (before !== (row.status || "")) {
      item.classList.add("changed");
      window.setTimeout(function () {
        item.classList.remove("changed");
      }, 1500);
    }
  }

  function proxyItem(attempt) {
    return listItem(
      null,
      fill(text("proxy"), { employee: attempt.employee, first: attempt.first_employee }),
      clock(attempt.at)
    );
  }

  function lockItem(lock) {
    var template = lock.scope === "trainee" ? text("locked-trainee") : text("locked-address");
    var item = listItem(
      null,
      fill(template, {
        employee: lock.employee,
        employee_no: lock.employee_no,
        address: lock.client_ip,
        failures: lock.failures,
      }),
      clock(lock.at)
    );
    item.className = "att-lock";
    return item;
  }

  function onBoard(data) {
    rows = {};
    order = [];
    (data.rows || []).forEach(function (row) {
      rows[row.employee_id] = row;
      order.push(row.employee_id);
      drawRollCallRow(row);
    });
    drawBoard();
    if (data.proxy_attempts) {
      drawList("proxy", data.proxy_attempts.map(proxyItem));
    }
    if (data.sign_in_locks) {
      drawList("locks", data.sign_in_locks.map(lockItem));
    }
  }

  // Each change carries the server's figures. If ours still disagree once the changes have
  // settled, an event was lost (the channel layer drops them for a socket that falls
  // behind): ask for the whole board again.
  var serverCounts = null;
  var checkTimer = null;

  function checkAgainstServer() {
    checkTimer = null;
    if (rows === null || serverCounts === null) {
      return;
    }
    var local = boardCounts();
    var differs = ["signed_in", "enrolled", "missing"].some(function (key) {
      return serverCounts[key] !== undefined && serverCounts[key] !== local[key];
    });
    if (differs) {
      send({ action: "refresh" });
    }
  }

  function onChanged(data) {
    serverCounts = {
      signed_in: data.signed_in,
      enrolled: data.enrolled,
      missing: data.counts ? data.counts.missing : undefined,
    };
    if (checkTimer !== null) {
      window.clearTimeout(checkTimer);
    }
    checkTimer = window.setTimeout(checkAgainstServer, 2500);
    var changed = data.rows || [];
    changed.forEach(drawRollCallRow);
    if (rows === null) {
      // No board yet: the figures the event carries are the best there is.
      var counts = Object.assign({}, data.counts || {});
      counts.signed_in = data.signed_in;
      counts.enrolled = data.enrolled;
      setCounts(counts);
      return;
    }
    changed.forEach(function (row) {
      if (!(row.employee_id in rows)) {
        order.push(row.employee_id);
      }
      rows[row.employee_id] = row;
    });
    drawBoard();
  }

  function onProxyRefused(data) {
    var item = proxyItem(data);
    each('[data-list="proxy"]', function (list) {
      list.insertBefore(item.cloneNode(true), list.firstChild);
    });
    each('[data-empty="proxy"]', function (node) {
      node.hidden = true;
    });
  }

  function onSignInLocked(data) {
    var item = lockItem(data);
    each('[data-list="locks"]', function (list) {
      list.insertBefore(item.cloneNode(true), list.firstChild);
    });
    each('[data-empty="locks"]', function (node) {
      node.hidden = true;
    });
    each('[data-panel="locks"]', function (node) {
      node.hidden = false;
    });
  }

  function onWindowChanged() {
    var url = root.getAttribute("data-window-url");
    if (url && window.htmx && document.getElementById("window-status")) {
      window.htmx.ajax("GET", url, { target: "#window-status", swap: "outerHTML" });
    }
  }

  // The projector's code -----------------------------------------------------------------

  var codeNode = document.getElementById("projector-code");
  var qrNode = document.getElementById("projector-qr");
  var countdownNode = root.querySelector("[data-countdown]");
  var progressNode = root.querySelector("[data-progress]");
  var deadline = null;
  var rotation = 15;
  var ticker = null;

  function tick() {
    if (deadline === null || !countdownNode) {
      return;
    }
    var left = (deadline - Date.now()) / 1000;
    if (left > 0) {
      countdownNode.textContent = fill(text("next-code"), { seconds: Math.ceil(left) });
    } else {
      countdownNode.textContent = text("waiting");
    }
    if (progressNode) {
      progressNode.style.width = Math.max(0, Math.min(100, (left / rotation) * 100)) + "%";
    }
    // No new code a few seconds after the old one expired: the connection is down; say so
    // by greying the code out rather than showing one that no longer works.
    var stale = left < -3;
    [codeNode, qrNode].forEach(function (node) {
      if (node) {
        node.classList.toggle("stale", stale);
      }
    });
  }

  function startCountdown(seconds) {
    deadline = Date.now() + seconds * 1000;
    if (ticker === null) {
      ticker = window.setInterval(tick, 250);
    }
    tick();
  }

  function stopCountdown() {
    deadline = null;
    if (ticker !== null) {
      window.clearInterval(ticker);
      ticker = null;
    }
  }

  function onCode(data) {
    var open = Boolean(data.code);
    each("[data-code-open]", function (node) {
      node.hidden = !open;
    });
    each("[data-code-closed]", function (node) {
      node.hidden = open;
      if (!open) {
        if (!data.window) {
          node.textContent = text("no-window");
        } else if (data.window.upcoming) {
          node.textContent = fill(text("opens-at"), { time: clock(data.window.opens_at) });
        } else {
          node.textContent = text("closed");
        }
      }
    });
    each("[data-window-state]", function (node) {
      node.textContent =
        data.window && data.window.open
          ? fill(text("open-until"), { time: clock(data.window.closes_at) })
          : "";
    });
    if (!open) {
      stopCountdown();
      if (codeNode) {
        codeNode.setAttribute("data-code", "");
        codeNode.textContent = "";
      }
      return;
    }
    if (codeNode) {
      codeNode.setAttribute("data-code", data.code);
      codeNode.textContent = data.code.slice(0, 3) + " " + data.code.slice(3);
    }
    if (qrNode && data.qr_svg) {
      qrNode.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(data.qr_svg);
      qrNode.setAttribute("data-qr-url", data.qr_url || "");
    }
    rotation = data.rotation_seconds || rotation;
    startCountdown(data.expires_in || 0);
  }

  if (mode === "projector" && countdownNode) {
    var first = parseFloat(countdownNode.getAttribute("data-expires-in"));
    if (!isNaN(first)) {
      startCountdown(first);
    }
  }

  // The websocket ---------------------------------------------------------------------------

  var handlers = {
    "attendance.board": onBoard,
    "attendance.changed": onChanged,
    "proxy.refused": onProxyRefused,
    "sign_in.locked": onSignInLocked,
    "window.changed": onWindowChanged,
    code: onCode,
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

  // The roll-call sheet: a reason for an excused absence, refusals shown in the row ---------

  document.body.addEventListener("htmx:confirm", function (event) {
    var trigger = event.detail.triggeringEvent;
    var button = trigger && trigger.submitter;
    if (!button || !button.hasAttribute("data-reason-prompt") || !root.contains(button)) {
      return;
    }
    var field = event.detail.elt.querySelector('input[name="reason"]');
    var reason = window.prompt(button.getAttribute("data-reason-prompt"), field ? field.value : "");
    if (reason === null) {
      event.preventDefault(); // cancelled: nothing is sent
      return;
    }
    if (field) {
      field.value = reason.trim();
    }
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422 && root.contains(event.detail.target)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  each("form[data-confirm]", function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
