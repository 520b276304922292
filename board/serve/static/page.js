// board's page: a TV that nobody touches. Loaded before textual-serve's script, so that the
// WebSocket that script opens is one this page can watch:
// - when it closes (the server restarted, the network dropped, the board quit), the page says
//   "连接中断 · 正在重连", asks the server's /health with a growing pause (1 s doubling to 30 s,
//   jittered so that ten TVs do not knock at once), and reloads itself when the server answers;
// - a silent network drop closes nothing, so it pings every 10 s and counts a socket that has
//   heard nothing for 25 s as closed;
// - the terminal waits for its fonts before it measures its cells (xterm.js measures once).
(function () {
  "use strict";

  const PING_MS = 10000;
  const SILENT_MS = 25000;
  const FIRST_PAUSE_MS = 1000;
  const LONGEST_PAUSE_MS = 30000;
  const FONT_WAIT_MS = 3000;
  const ASK_MS = 5000;

  let waiting = false;

  function notice(key) {
    const body = document.body;
    document.getElementById("notice").textContent = body.dataset[key] || "";
    body.classList.add("-offline");
  }

  function pause(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms * (0.75 + Math.random() / 2)));
  }

  async function waitForServer(key) {
    if (waiting) return;
    waiting = true;
    notice(key);
    let ms = FIRST_PAUSE_MS;
    for (;;) {
      await pause(ms);
      ms = Math.min(ms * 2, LONGEST_PAUSE_MS);
      let response = null;
      try {
        // A black-holed network never answers: give up on each try after a few seconds.
        response = await fetch(new URL("health", window.location.href), {
          cache: "no-store",
          credentials: "same-origin",
          signal: AbortSignal.timeout(ASK_MS),
        });
      } catch (error) {
        notice("reconnecting");
        continue;
      }
      if (response.ok) {
        window.location.reload();
        return;
      }
      notice(response.status === 503 ? "full" : response.status === 401 ? "expired" : "reconnecting");
    }
  }

  const NativeWebSocket = window.WebSocket;

  class WatchedWebSocket extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      let heard = Date.now();
      let timer = null;
      const lost = () => {
        clearInterval(timer);
        waitForServer("reconnecting");
      };
      this.addEventListener("message", () => {
        heard = Date.now();
      });
      this.addEventListener("open", () => {
        heard = Date.now();
        timer = setInterval(() => {
          if (Date.now() - heard > SILENT_MS) {
            try {
              this.close();
            } catch (error) {
              // closing a dead socket may throw; it is lost either way
            }
            lost();
          } else if (this.readyState === NativeWebSocket.OPEN) {
            this.send(JSON.stringify(["ping", String(Date.now())]));
          }
        }, PING_MS);
      });
      this.addEventListener("close", lost);
    }
  }
  window.WebSocket = WatchedWebSocket;

  function socketUrl(path) {
    const url = new URL(path, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.search = "";
    return url.href;
  }

  function fontsReady(size) {
    const loads = ["M", "中"].map((text) =>
      document.fonts.load(`${size}px 'Roboto Mono'`, text).catch(() => null),
    );
    return Promise.race([Promise.all(loads), new Promise((r) => setTimeout(r, FONT_WAIT_MS))]);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const body = document.body;
    if (body.dataset.mode === "full") {
      waitForServer("full");
      return;
    }
    const terminal = document.getElementById("terminal");
    if (!terminal) return;
    terminal.dataset.sessionWebsocketUrl = socketUrl(body.dataset.socketPath);
    // textual-serve's script starts its terminal in window.onload; start it once the fonts
    // are there instead.
    const start = window.onload;
    window.onload = null;
    const ready = fontsReady(terminal.dataset.fontSize || 16);
    window.addEventListener("load", (event) => {
      ready.then(() => {
        if (start) start.call(window, event);
      });
    });
  });
})();
