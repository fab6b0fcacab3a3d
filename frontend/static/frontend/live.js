// A live page's websocket, shared by the attendance pages and the proctor board: connects to
// the root's data-ws-path, hands each {"event", "data"} message to its handler, reconnects with
// a growing delay, and reports its state ("live", "down") with a key ("live", "refused",
// "reconnecting") the page turns into its own words. Refused (4401, 4403): no retry.
(function () {
  "use strict";

  window.liveSocket = function (path, handlers, onState) {
    var retries = 0;
    var socket = null;

    function connect() {
      if (!window.WebSocket) {
        return;
      }
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + window.location.host + path);
      socket.addEventListener("open", function () {
        retries = 0;
        onState("live", "live");
      });
      socket.addEventListener("message", function (message) {
        var payload;
        try {
          payload = JSON.parse(message.data);
        } catch (error) {
          return;
        }
        var handler = handlers[payload.event];
        if (handler) {
          handler(payload.data || {});
        }
      });
      socket.addEventListener("close", function (event) {
        if (event.code === 4401 || event.code === 4403) {
          onState("down", "refused");
          return;
        }
        onState("down", "reconnecting");
        var delay = Math.min(15000, 1000 * Math.pow(2, retries));
        retries += 1;
        window.setTimeout(connect, delay + Math.random() * 500);
      });
    }

    connect();
    return {
      send: function (message) {
        if (socket && socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify(message));
        }
      },
    };
  };
})();
