// Self-study page: tell the server when a trainee starts a video and when they watch it to
// the end. The server keeps the record; this only reports (and can be fooled, which the
// progress table says: "as reported by the page").
(function () {
  "use strict";

  var study = document.getElementById("study");
  if (!study || !window.fetch) {
    return;
  }
  var training = study.getAttribute("data-progress-training");
  var csrfToken = study.getAttribute("data-csrf-token");

  function report(video, event) {
    return fetch(video.getAttribute("data-progress-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken,
      },
      body: JSON.stringify({ training: Number(training), event: event }),
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).catch(function () {
      return null;
    });
  }

  // The texts come from the page, already in the reader's language.
  function showStatus(video, attribute, append) {
    var status = document.getElementById(video.getAttribute("data-status"));
    var text = video.getAttribute(attribute);
    if (!status || !text || status.textContent.indexOf(text) !== -1) {
      return;
    }
    status.classList.add("ok");
    status.textContent = append ? status.textContent.trim() + " · " + text : text;
  }

  Array.prototype.forEach.call(
    study.querySelectorAll("video[data-progress-url]"),
    function (video) {
      var opened = false;
      var ended = false;
      video.addEventListener("play", function () {
        if (!opened) {
          opened = true;
          report(video, "opened").then(function (progress) {
            if (!progress) {
              opened = false; // refused or offline: the next play reports again
            } else if (!progress.completed_at) {
              showStatus(video, "data-opened-text", false);
            }
          });
        }
      });
      video.addEventListener("ended", function () {
        if (!ended) {
          ended = true;
          report(video, "video_ended").then(function (progress) {
            if (progress) {
              showStatus(video, "data-ended-text", true);
            } else {
              ended = false;
            }
          });
        }
      });
    }
  );
})();
