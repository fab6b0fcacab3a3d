// The exam page: autosave, the countdown, the navigator and handing in.
//
// The server decides everything; this script only keeps the page in step with it.
// - Autosave: each change is sent as PUT /api/v1/attempts/<id>/answers/<question id>/ with
//   the whole answer of that question and a sequence number that only rises (kept in
//   localStorage, never below what the server already stored), so a late older save can
//   never overwrite a newer one. Choices go at once, typing after a pause. Unsent answers
//   stay in localStorage and are retried when the network returns (the "online" event and a
//   retry every few seconds); a reload puts them back into the page and sends them.
// - Countdown: the deadline and the server's time at render come from the page; the script
//   keeps the offset between the server's clock and the device's, so a device clock that is
//   an hour off changes nothing. The websocket (extra time) and the clock endpoint (after a
//   lost connection or a sleeping phone) set it again.
// - At zero nothing is handed in from here: pending saves are flushed (the server accepts
//   them for a short grace), then the page opens the result; the server closes the attempt.
// Texts come from the page (a JSON script element), already in the reader's language.
(function () {
  "use strict";

  function storageKey(attemptId) {
    return "exam-attempt-" + attemptId;
  }

  // The result page of a finished attempt: forget what this device kept of it.
  var done = document.querySelector("[data-attempt-done]");
  if (done) {
    try {
      window.localStorage.removeItem(storageKey(done.getAttribute("data-attempt-done")));
    } catch (error) {
      // Storage unavailable: nothing was kept.
    }
  }

  var root = document.getElementById("exam");
  if (!root || !window.fetch) {
    return;
  }
  root.classList.add("js");

  var labelsNode = document.getElementById("exam-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var attemptId = root.getAttribute("data-attempt");
  var saveUrl = root.getAttribute("data-save-url");
  var clockUrl = root.getAttribute("data-clock-url");
  var resultUrl = root.getAttribute("data-result-url");
  var graceMs = (parseFloat(root.getAttribute("data-grace-seconds")) || 0) * 1000;
  var key = storageKey(attemptId);
  var sections = Array.prototype.slice.call(root.querySelectorAll(".exam-question"));
  var byId = {};
  sections.forEach(function (section) {
    byId[section.getAttribute("data-question")] = section;
  });
  var navLinks = Array.prototype.slice.call(root.querySelectorAll("[data-nav]"));

  var closed = false; // the server closed the attempt: nothing more can be saved
  var timeUp = false; // the countdown reached zero (the server may still give extra time)
  var leaving = false;

  function each(nodes, callback) {
    Array.prototype.forEach.call(nodes, callback);
  }

  function notice(text) {
    var node = root.querySelector("[data-notice]");
    if (node) {
      node.textContent = text || "";
      node.hidden = !text;
    }
  }

  // The device's storage ------------------------------------------------------------------

  var memoryStore = null; // when localStorage is unavailable (private mode, full)

  function readStore() {
    try {
      var raw = window.localStorage.getItem(key);
      if (raw) {
        var parsed = JSON.parse(raw);
        if (parsed && typeof parsed === "object") {
          return parsed;
        }
      }
    } catch (error) {
      // fall through
    }
    return memoryStore || { sequence: 0, pending: {} };
  }

  var pending = {}; // question id -> {body, sequence}: changes the server has not confirmed
  var sequence = Math.max(
    Number(root.getAttribute("data-sequence")) || 0,
    Number(readStore().sequence) || 0
  );

  function persist() {
    memoryStore = { sequence: sequence, pending: pending };
    try {
      window.localStorage.setItem(key, JSON.stringify(memoryStore));
    } catch (error) {
      // Kept in memory only.
    }
  }

  // Rises across reloads and tabs: the stored value is read again each time.
  function nextSequence() {
    sequence = Math.max(sequence, Number(readStore().sequence) || 0) + 1;
    return sequence;
  }

  // Answers in the page --------------------------------------------------------------------

  function isChoice(section) {
    var type = section.getAttribute("data-type");
    return type === "single" || type === "multiple" || type === "true_false";
  }

  function answerOf(section) {
    var flag = section.querySelector("[data-flag]");
    var body = { flagged: Boolean(flag && flag.checked) };
    if (isChoice(section)) {
      body.selected = [];
      each(section.querySelectorAll(".exam-option input"), function (input) {
        if (input.checked) {
          body.selected.push(input.value);
        }
      });
    } else if (section.getAttribute("data-type") === "fill_blank") {
      body.blanks = [];
      each(section.querySelectorAll("[data-blank]"), function (input) {
        body.blanks.push(input.value);
      });
    } else {
      var area = section.querySelector("[data-text]");
      body.text = area ? area.value : "";
    }
    return body;
  }

  function applyAnswer(section, body) {
    var flag = section.querySelector("[data-flag]");
    if (flag) {
      flag.checked = Boolean(body.flagged);
    }
    if (body.selected) {
      each(section.querySelectorAll(".exam-option input"), function (input) {
        input.checked = body.selected.indexOf(input.value) !== -1;
      });
    }
    if (body.blanks) {
      each(section.querySelectorAll("[data-blank]"), function (input, index) {
        input.value = body.blanks[index] || "";
      });
    }
    if (typeof body.text === "string") {
      var area = section.querySelector("[data-text]");
      if (area) {
        area.value = body.text;
      }
    }
  }

  function isAnswered(body) {
    if (body.selected) {
      return body.selected.length > 0;
    }
    if (body.blanks) {
      return body.blanks.some(function (blank) {
        return blank.trim() !== "";
      });
    }
    return Boolean(body.text && body.text.trim());
  }

  function navLink(id) {
    return root.querySelector('[data-nav="' + id + '"]');
  }

  function refreshNavigator(section, skipCount) {
    var body = answerOf(section);
    var link = navLink(section.getAttribute("data-question"));
    if (link) {
      var answered = isAnswered(body);
      link.classList.toggle("answered", answered);
      link.classList.toggle("flagged", body.flagged);
      var state = link.querySelector("[data-nav-state]");
      if (state) {
        state.textContent =
          " " +
          (answered ? labels.answered : labels.not_answered) +
          (body.flagged ? ", " + labels.flagged : "");
      }
    }
    if (skipCount) {
      return;
    }
    var answeredCount = sections.filter(function (other) {
      return isAnswered(answerOf(other));
    }).length;
    each(root.querySelectorAll("[data-answered-count]"), function (node) {
      node.textContent = String(answeredCount);
    });
  }

  // Saving ---------------------------------------------------------------------------------

  var inFlight = {}; // question id -> sequence being sent
  var timers = {}; // question id -> debounce timer of typing
  var lastBody = {}; // question id -> the answer last queued, to skip saves that change nothing
  var errors = {}; // question id -> the server's refusal
  var problem = ""; // "", "offline" or "signed_out"

  function count(map) {
    return Object.keys(map).length;
  }

  function busy() {
    return count(pending) + count(timers) + count(inFlight) > 0;
  }

  function showState() {
    var node = root.querySelector("[data-save-state]");
    if (!node) {
      return;
    }
    var state = "saved";
    if (problem === "signed_out") {
      state = "signed_out";
    } else if (problem === "offline" && busy()) {
      state = "offline";
    } else if (busy()) {
      state = "saving";
    } else if (count(errors)) {
      state = "error";
    }
    var text = labels[state] || "";
    node.setAttribute("data-state", state === "signed_out" ? "error" : state);
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  function questionError(id, message) {
    var section = byId[id];
    var node = section && section.querySelector("[data-question-error]");
    if (message) {
      errors[id] = message;
    } else {
      delete errors[id];
    }
    if (node) {
      node.textContent = message ? labels.not_saved_question + " " + message : "";
      node.hidden = !message;
    }
  }

  function refusal(data) {
    if (!data || typeof data !== "object") {
      return "";
    }
    if (typeof data.detail === "string") {
      return data.detail;
    }
    var parts = [];
    Object.keys(data).forEach(function (field) {
      var value = data[field];
      parts.push(Array.isArray(value) ? value.join(" ") : String(value));
    });
    return parts.join(" ");
  }

  function csrfToken() {
    // The cookie first: it stays right after signing in again in another tab.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : root.getAttribute("data-csrf-token");
  }

  function settle(id, entry) {
    if (pending[id] && pending[id].sequence <= entry.sequence) {
      delete pending[id];
      persist();
    }
  }

  function handleResponse(id, entry, status, data) {
    if (status >= 200 && status < 300) {
      problem = "";
      // A newer save from another tab is already stored: ours rises above it from now on.
      if (data && typeof data.sequence === "number" && data.sequence > sequence) {
        sequence = data.sequence;
      }
      settle(id, entry);
      questionError(id, "");
    } else if (status === 409) {
      onClosed();
    } else if (status === 400 || status === 404 || status === 413) {
      settle(id, entry); // sending it again would be refused again
      questionError(id, refusal(data) || String(status));
    } else if (status === 401 || status === 403) {
      problem = "signed_out";
    } else {
      problem = "offline";
    }
  }

  function send(id, keepalive) {
    var entry = pending[id];
    if (!entry || inFlight[id] !== undefined || closed) {
      showState();
      return Promise.resolve();
    }
    inFlight[id] = entry.sequence;
    showState();
    var payload = Object.assign({}, entry.body, { sequence: entry.sequence });
    return fetch(saveUrl + encodeURIComponent(id) + "/", {
      method: "PUT",
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(payload),
    })
      .then(
        function (response) {
          return response
            .json()
            .catch(function () {
              return null;
            })
            .then(function (data) {
              handleResponse(id, entry, response.status, data);
            });
        },
        function () {
          problem = "offline";
        }
      )
      .then(function () {
        delete inFlight[id];
        var next = pending[id];
        if (next && next.sequence > entry.sequence && !problem && !closed) {
          return send(id);
        }
        showState();
        return undefined;
      });
  }

  function sendAll() {
    return Promise.all(
      Object.keys(pending).map(function (id) {
        return send(id);
      })
    );
  }

  // Take the question's answer as it stands now and send it.
  function queue(id, keepalive) {
    window.clearTimeout(timers[id]);
    delete timers[id];
    var section = byId[id];
    if (!section || closed) {
      showState();
      return;
    }
    var body = answerOf(section);
    var text = JSON.stringify(body);
    refreshNavigator(section);
    if (text === lastBody[id] && !pending[id]) {
      showState();
      return;
    }
    lastBody[id] = text;
    pending[id] = { body: body, sequence: nextSequence() };
    persist();
    send(id, keepalive);
  }

  function queueLater(id) {
    window.clearTimeout(timers[id]);
    timers[id] = window.setTimeout(function () {
      queue(id);
    }, 600);
    refreshNavigator(byId[id]);
    showState();
  }

  function queueTyping() {
    Object.keys(timers).forEach(function (id) {
      queue(id);
    });
  }

  // Resolves true once everything is saved, false if that takes longer than ``ms``.
  function flush(ms) {
    queueTyping();
    sendAll();
    var until = Date.now() + ms;
    return new Promise(function (resolve) {
      (function check() {
        if (!busy() || closed) {
          resolve(!busy());
        } else if (Date.now() > until) {
          resolve(false);
        } else {
          window.setTimeout(check, 200);
        }
      })();
    });
  }

  // What this device kept from before a reload, newer than what the server holds.
  var kept = readStore().pending || {};
  Object.keys(kept).forEach(function (id) {
    var section = byId[id];
    var entry = kept[id];
    if (!section || !entry || typeof entry.sequence !== "number" || !entry.body) {
      return;
    }
    if (entry.sequence > (Number(section.getAttribute("data-sequence")) || 0)) {
      pending[id] = entry;
      applyAnswer(section, entry.body);
    }
  });
  persist();
  sections.forEach(function (section, position) {
    lastBody[section.getAttribute("data-question")] = JSON.stringify(answerOf(section));
    refreshNavigator(section, position < sections.length - 1); // the count once, at the end
  });
  sendAll();
  showState();

  root.addEventListener("change", function (event) {
    var section = event.target.closest(".exam-question");
    if (section) {
      queue(section.getAttribute("data-question"));
    }
  });
  root.addEventListener("input", function (event) {
    var target = event.target;
    var section = target.closest(".exam-question");
    if (section && target.matches("[data-text], [data-blank]")) {
      queueLater(section.getAttribute("data-question"));
    }
  });

  window.setInterval(function () {
    if (!closed && count(pending) && !count(inFlight)) {
      sendAll();
    }
  }, 4000 + Math.random() * 2000);
  window.addEventListener("online", function () {
    problem = "";
    sendAll();
    syncClock();
  });
  window.addEventListener("pagehide", function () {
    queueTyping();
    Object.keys(pending).forEach(function (id) {
      if (inFlight[id] === undefined) {
        send(id, true);
      }
    });
  });

  // The server's clock -------------------------------------------------------------------

  function parseTime(iso) {
    // Microseconds are cut to milliseconds: not every browser reads six digits.
    return typeof iso === "string" ? Date.parse(iso.replace(/(\.\d{3})\d+/, "$1")) : NaN;
  }

  var deadline = parseTime(root.getAttribute("data-deadline"));
  var offset = 0; // the server's clock minus the device's, in ms

  (function initialOffset() {
    var rendered = parseTime(root.getAttribute("data-server-now"));
    if (isNaN(rendered)) {
      return;
    }
    // The server's time was taken as the page was made; the response has been on its way
    // (and the script waiting) since: count that time on the device's steady clock.
    var elapsed = 0;
    try {
      var navigation = window.performance.getEntriesByType("navigation")[0];
      if (navigation && navigation.responseStart > 0) {
        elapsed = window.performance.now() - navigation.responseStart;
      }
    } catch (error) {
      elapsed = 0;
    }
    if (!(elapsed >= 0 && elapsed < 120000)) {
      elapsed = 0;
    }
    offset = rendered - (Date.now() - elapsed);
  })();

  function serverNow() {
    return Date.now() + offset;
  }

  // "Ends at" under the bar, in the server's time zone, as the page printed it.
  var deadlineText = root.querySelector("[data-deadline-text]");
  var deadlineFormat = null;
  try {
    // Swedish writes dates the ISO way: 2026-01-16 10:30.
    deadlineFormat = new Intl.DateTimeFormat("sv-SE", {
      timeZone: root.getAttribute("data-time-zone") || undefined,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
  } catch (error) {
    deadlineFormat = null;
  }

  function showDeadline() {
    if (deadlineText && deadlineFormat && !isNaN(deadline)) {
      deadlineText.textContent = deadlineFormat.format(new Date(deadline));
    }
  }

  function setClock(deadlineIso, serverIso, halfTrip) {
    var server = parseTime(serverIso);
    if (!isNaN(server)) {
      offset = server + (halfTrip || 0) - Date.now();
    }
    var moved = parseTime(deadlineIso);
    if (!isNaN(moved) && moved !== deadline) {
      deadline = moved;
      showDeadline();
      tick();
      return true;
    }
    tick();
    return false;
  }

  function syncClock() {
    if (!clockUrl || closed) {
      return;
    }
    var sent = Date.now();
    fetch(clockUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data || !data.status) {
          return;
        }
        if (data.status !== "in_progress") {
          onClosed();
          return;
        }
        var received = Date.now();
        setClock(data.deadline, data.server_time, (received - sent) / 2);
      })
      .catch(function () {
        // Offline: the next sync sets it.
      });
  }

  // The countdown --------------------------------------------------------------------------

  var countdown = root.querySelector("[data-countdown]");
  var timerBox = root.querySelector("[data-timer]");

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function clockText(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    return (hours ? hours + ":" + pad(minutes) : pad(minutes)) + ":" + pad(rest);
  }

  function setInputsDisabled(disabled) {
    each(root.querySelectorAll(".exam-question input, .exam-question textarea"), function (input) {
      input.disabled = disabled;
    });
    root.classList.toggle("closed", disabled);
  }

  function goToResult(delay) {
    if (leaving) {
      return;
    }
    leaving = true;
    window.setTimeout(function () {
      window.location.assign(resultUrl);
    }, delay);
  }

  function onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    pending = {};
    timers = {};
    persist();
    setInputsDisabled(true);
    notice(labels.closed);
    showState();
    goToResult(1500);
  }

  function tick() {
    if (isNaN(deadline) || !countdown) {
      return;
    }
    var left = deadline - serverNow();
    var text = clockText(left);
    if (countdown.textContent !== text) {
      countdown.textContent = text;
    }
    if (timerBox) {
      timerBox.classList.toggle("low", left < 5 * 60000 && left >= 60000);
      timerBox.classList.toggle("critical", left < 60000 && left > 0);
      timerBox.classList.toggle("over", left <= 0);
    }
    if (closed) {
      return;
    }
    if (left <= 0 && !timeUp) {
      timeUp = true;
      queueTyping();
      setInputsDisabled(true);
      notice(labels.time_up);
    } else if (left > 0 && timeUp && !leaving) {
      // Extra time arrived after zero: carry on.
      timeUp = false;
      setInputsDisabled(false);
      notice(labels.extended);
    }
    // Everything sent, or the grace for late saves is over: the result page takes it from
    // here (it closes the attempt once the server's grace has passed).
    if (timeUp && (!busy() || serverNow() > deadline + graceMs)) {
      goToResult(2000);
    }
  }

  tick();
  window.setInterval(tick, 500);
  window.setInterval(syncClock, 60000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      syncClock();
      sendAll();
    }
  });

  // Live: extra time and the close, pushed by the server ------------------------------------

  var retries = 0;
  var wasDown = false;

  function connect() {
    if (!window.WebSocket || closed) {
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-ws-path"));
    socket.addEventListener("open", function () {
      root.setAttribute("data-live", "open");
      retries = 0;
      if (wasDown) {
        syncClock(); // an event may have been missed while the connection was down
      }
      wasDown = false;
    });
    socket.addEventListener("message", function (message) {
      var payload;
      try {
        payload = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      var data = payload.data || {};
      if (payload.event === "attempt.deadline") {
        if (setClock(data.deadline, data.server_time, 0) && !timeUp) {
          notice(labels.extended);
        }
      } else if (payload.event === "attempt.closed") {
        onClosed();
      }
    });
    socket.addEventListener("close", function (event) {
      root.setAttribute("data-live", "closed");
      if (closed || leaving || event.code === 4401 || event.code === 4403) {
        return;
      }
      wasDown = true;
      var delay = Math.min(30000, 1000 * Math.pow(2, retries));
      retries += 1;
      window.setTimeout(connect, delay + Math.random() * 1000);
    });
  }

  connect();

  // One question per screen on a phone -------------------------------------------------------

  var phone = window.matchMedia ? window.matchMedia("(max-width: 719px)") : null;
  var current = 0;

  function onPhone() {
    return Boolean(phone && phone.matches);
  }

  function show(index, scroll) {
    current = Math.max(0, Math.min(sections.length - 1, index));
    sections.forEach(function (section, position) {
      section.classList.toggle("current", position === current);
    });
    navLinks.forEach(function (link, position) {
      if (position === current) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    if (scroll && onPhone() && sections[current]) {
      var link = navLinks[current];
      if (link && link.scrollIntoView) {
        link.scrollIntoView({ block: "nearest", inline: "center" });
      }
      window.scrollTo(0, 0);
    }
  }

  var start = /^#q-(\d+)$/.exec(window.location.hash);
  show(start ? Number(start[1]) - 1 : 0, false);

  navLinks.forEach(function (link, position) {
    link.addEventListener("click", function (event) {
      if (onPhone()) {
        event.preventDefault();
      }
      show(position, true);
    });
  });
  root.addEventListener("click", function (event) {
    if (event.target.closest("[data-prev]")) {
      show(current - 1, true);
    } else if (event.target.closest("[data-next]")) {
      show(current + 1, true);
    }
  });

  // Handing in: the count of unanswered questions, after the last saves -----------------------

  var dialog = document.getElementById("hand-in-dialog");
  var handInForm = dialog && dialog.querySelector("[data-hand-in-form]");
  var handInAnyway = false;

  function fillDialog() {
    var bodies = sections.map(answerOf);
    each(dialog.querySelectorAll("[data-unanswered-count]"), function (node) {
      node.textContent = String(
        bodies.filter(function (body) {
          return !isAnswered(body);
        }).length
      );
    });
    each(dialog.querySelectorAll("[data-flagged-count]"), function (node) {
      node.textContent = String(
        bodies.filter(function (body) {
          return body.flagged;
        }).length
      );
    });
    var warning = dialog.querySelector("[data-unsent-warning]");
    if (warning) {
      warning.hidden = !busy();
    }
  }

  if (dialog && typeof dialog.showModal === "function" && handInForm) {
    root.addEventListener("click", function (event) {
      if (!event.target.closest("[data-hand-in]")) {
        return;
      }
      event.preventDefault();
      queueTyping();
      handInAnyway = false;
      fillDialog();
      dialog.showModal();
      flush(5000).then(function () {
        if (dialog.open) {
          fillDialog();
        }
      });
    });
    dialog.querySelector("[data-dialog-close]").addEventListener("click", function () {
      dialog.close();
    });
    handInForm.addEventListener("submit", function (event) {
      if (!busy() || handInAnyway || closed) {
        leaving = true;
        return;
      }
      event.preventDefault();
      var button = handInForm.querySelector('button[type="submit"]');
      button.disabled = true;
      flush(5000).then(function (saved) {
        button.disabled = false;
        if (saved) {
          leaving = true;
          handInForm.submit();
        } else {
          handInAnyway = true; // the warning is shown; a second press hands in as it stands
          fillDialog();
        }
      });
    });
  }
})();
