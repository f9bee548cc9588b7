// The sampling station: one scan, next person, no page reload.
//
// Every action (open a tube, a scan, an undo, a close) goes first into a queue kept in
// localStorage with its own client id, then the queue is uploaded in order to the station
// API (/api/v1/testing/...), the scans of one tube together. A network drop only stops the
// upload: scanning goes on, and the queue is sent when the network is back. The server treats
// a repeated client id as the same action, so an upload whose answer was lost is sent again
// safely. A handheld scanner types into the focused input and presses Enter; a phone's camera
// is read with the browser's BarcodeDetector where there is one (no QR decoder is bundled).
(() => {
  "use strict";
  const cfg = JSON.parse(document.getElementById("station-config").textContent);
  const T = JSON.parse(document.getElementById("station-strings").textContent);
  const KEY = `shaodian.station.${cfg.round}`;
  const $ = (id) => document.getElementById(id);
  const input = $("scan-input");
  const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (_m, k) => values[k] ?? "");
  const uid = () => (crypto.randomUUID ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`);
  const csrf = () => {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (_e) { return ""; }
  };

  let state = load();
  let syncing = false;
  let retryTimer = null;

  function load() {
    try {
      const saved = JSON.parse(localStorage.getItem(KEY));
      if (saved && saved.tubes) return saved;
    } catch (_e) { /* a damaged entry: start again */ }
    return { queue: [], tubes: {}, current: null, stack: [], mode: "person", closed: [] };
  }
  function save() { localStorage.setItem(KEY, JSON.stringify(state)); }

  // ---- tubes and scans (local first) ----------------------------------------------------
  const tube = () => state.tubes[state.current];
  const live = (t) => t.scans.filter((s) => s.status === "pending" || s.status === "added").length;

  function newTube() {
    const size = Number($("pool-size").value || cfg.default_size);
    const cid = uid();
    // Opened on the server with its first scan, so an empty tube can still change its size.
    state.tubes[cid] = { cid, id: null, pool: size, barcode: "", status: "open", scans: [],
                         single: "", queued: false };
    state.current = cid;
    state.mode = "person";
    commit();
  }

  function scanned(text) {
    const code = text.trim();
    if (!code || !cfg.open) return;
    const t = tube();
    if (state.mode === "barcode") { closeWith(t, code); return; }
    if (live(t) >= t.pool) { state.mode = "barcode"; say(T.pool_full, "warning"); commit(); return; }
    if (!t.queued) {
      t.queued = true;
      state.queue.push({ op: "open", tube: t.cid, pool_size: t.pool, barcode: t.barcode,
                         station: $("station-name").value });
    }
    const cid = uid();
    t.scans.push({ cid, code, status: "pending", name: "", message: "" });
    state.queue.push({ op: "scan", tube: t.cid, client_id: cid, code });
    if (live(t) >= t.pool && t.barcode) {
      t.status = "closing"; // its barcode came first: the server closes the full pool itself
      next();
    } else if (live(t) >= t.pool) {
      state.mode = "barcode";
      say(T.pool_full, "info");
    }
    commit();
  }

  function closeWith(t, barcode) {
    if (live(t) === 0 && !t.queued) { // the barcode first: the pool closes itself when full
      t.barcode = barcode;
      state.mode = "person";
      commit();
      return;
    }
    if (live(t) === 0) { say(T.empty_tube, "warning"); state.mode = "person"; commit(); return; }
    t.barcode = barcode;
    t.status = "closing";
    state.queue.push({ op: "close", tube: t.cid, barcode });
    next();
    commit();
  }

  // After a tube is closed: back to the pool a single tube interrupted, or a new tube.
  function next() {
    const back = state.stack.pop();
    if (back && state.tubes[back] && state.tubes[back].status === "open") {
      state.current = back;
      state.mode = live(state.tubes[back]) >= state.tubes[back].pool ? "barcode" : "person";
    } else {
      newTube();
    }
  }

  function undo(scanCid) {
    const t = tube();
    const s = t.scans.find((x) => x.cid === scanCid);
    if (!s || t.status !== "open") return;
    s.status = "undone";
    state.queue.push({ op: "undo", tube: t.cid, client_id: scanCid });
    if (live(t) < t.pool) state.mode = "person";
    commit();
  }

  // ---- upload ---------------------------------------------------------------------------
  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (_e) { data = null; }
    return { status: response.status, data };
  }

  const reasonOf = (data) => (data && data.errors && data.errors.length
    ? data.errors.map((e) => e.message).join("; ") : (data && data.message) || "");

  async function sync() {
    if (syncing) return;
    syncing = true;
    clearTimeout(retryTimer);
    try {
      while (state.queue.length) {
        const op = state.queue[0];
        const t = state.tubes[op.tube];
        let taken = 1;
        let answer;
        if (op.op === "open") {
          answer = await post(cfg.api.open, { client_id: op.tube, pool_size: op.pool_size,
                                              barcode: op.barcode || "", station: op.station });
          if (answer.status === 201) opened(t, answer.data);
        } else if (!t || !t.id) {
          state.queue.shift(); // its tube was refused: nothing to send it to
          continue;
        } else if (op.op === "scan") {
          const batch = [];
          for (const o of state.queue) {
            if (o.op !== "scan" || o.tube !== op.tube || batch.length >= 50) break;
            batch.push({ client_id: o.client_id, code: o.code });
          }
          taken = batch.length;
          answer = await post(`${cfg.api.tube}/${t.id}/scans`, { scans: batch });
          if (answer.status === 200) reported(t, answer.data);
        } else if (op.op === "undo") {
          answer = await post(`${cfg.api.tube}/${t.id}/undo`, { client_id: op.client_id });
        } else if (op.op === "close") {
          answer = await post(`${cfg.api.tube}/${t.id}/close`, { barcode: op.barcode });
          if (answer.status === 200) reported(t, answer.data);
          else if (answer.status === 422) closeFailed(t, answer.data);
        }
        if (answer.status >= 500 || answer.status === 0) throw new Error("server");
        if (answer.status === 401 || answer.status === 403) {
          say(T.signed_out, "danger");
          break;
        }
        if (answer.status >= 400 && !(op.op === "close" && answer.status === 422)) {
          say(fmt(T.error, { reason: reasonOf(answer.data) || answer.status }), "danger");
          if (op.op === "open" && t) refused(t, reasonOf(answer.data));
        }
        state.queue.splice(0, taken);
        online(true);
        commit();
      }
    } catch (_e) {
      online(false); // fetch failed or the server is down: keep the queue, try again soon
      retryTimer = setTimeout(sync, 3000);
    } finally {
      syncing = false;
      commit();
    }
  }

  function opened(t, data) {
    t.id = data.tube.id;
    t.pool = data.tube.pool_size;
  }

  function reported(t, data) {
    for (const o of data.scans) {
      const s = t.scans.find((x) => x.cid === o.client_id);
      if (!s) continue;
      if (o.name) s.name = o.name;
      s.message = o.message || "";
      if (o.status === "added") s.status = "added";
      else if (o.status === "duplicate") s.status = o.tube_id === t.id ? "duplicate" : "refused";
      else if (o.status === "refused") { s.status = "refused"; say(`${o.name || s.code}: ${o.message}`, "danger"); }
      else if (o.status === "single") single(t, s, o);
    }
    t.status = data.tube.status;
    if (data.tube.barcode) t.barcode = data.tube.barcode;
    if (t.status === "closed") {
      if (!state.closed.some((c) => c.cid === t.cid)) {
        state.closed.unshift({ cid: t.cid, barcode: t.barcode, n: data.samples });
        state.closed = state.closed.slice(0, 30);
        say(fmt(T.tube_closed, { barcode: t.barcode, n: data.samples }), "success");
      }
      if (state.current === t.cid) next();
    } else if (data.needs_barcode && state.current === t.cid) {
      state.mode = "barcode";
    }
  }

  // A close contact or a person with symptoms: refused in the pool, their swab goes into a
  // single tube the server opened; the station asks for that tube's barcode, then comes back.
  function single(pool, s, o) {
    s.status = "moved";
    const cid = `${s.cid}.single`;
    if (!state.tubes[cid]) {
      state.tubes[cid] = { cid, id: o.tube_id, pool: 1, barcode: "", status: "open", single: o.reason, queued: true,
                           scans: [{ cid: s.cid, code: s.code, status: "added", name: o.name, message: "" }] };
    }
    if (state.current !== cid) {
      state.stack.push(state.current);
      state.current = cid;
    }
    state.mode = "barcode";
    say(`${o.name}: ${o.message} ${fmt(T.single_barcode, { name: o.name })}`, "warning");
  }

  // A tube the server would not open (its barcode taken, the round closed): its scans are
  // shown refused, to be scanned again into a new tube.
  function refused(t, reason) {
    t.status = "refused";
    t.scans.forEach((s) => { s.status = "refused"; s.message = reason; });
    if (state.current === t.cid) next();
  }

  function closeFailed(t, data) {
    t.status = "open";
    t.barcode = "";
    say(fmt(T.close_failed, { reason: reasonOf(data) }), "danger");
    if (state.current !== t.cid) {
      const current = tube();
      if (current && !current.queued) {
        delete state.tubes[current.cid]; // the empty tube started after it: not needed yet
      } else if (current) {
        state.stack.push(current.cid);
      }
      state.current = t.cid;
    }
    state.mode = live(t) > 0 ? "barcode" : "person";
  }

  // ---- screen ---------------------------------------------------------------------------
  function say(text, kind) {
    const box = $("message");
    box.textContent = text;
    box.className = `alert alert-${kind}`;
  }

  function online(up) {
    const badge = $("net-status");
    badge.textContent = up ? T.online : T.offline;
    badge.className = `badge text-bg-${up ? "success" : "danger"}`;
  }

  function render() {
    const t = tube();
    $("queue-count").textContent = String(state.queue.length);
    $("tube-title").textContent = t.pool === 1 ? T.tube_single : fmt(T.tube_pool, { n: t.pool });
    $("tube-barcode").textContent = t.barcode || T.no_barcode;
    $("tube-count").textContent = `${live(t)} / ${t.pool}`;
    $("prompt").textContent = state.mode === "barcode" ? T.scan_barcode : T.scan_person;
    $("tube").classList.toggle("border-warning", state.mode === "barcode");
    const list = $("scans");
    list.replaceChildren(...t.scans.slice().reverse().map(row));
    $("closed-tubes").replaceChildren(...state.closed.map((c) => {
      const li = document.createElement("li");
      li.textContent = `${c.barcode} · ${c.n}`;
      return li;
    }));
  }

  function row(s) {
    const li = document.createElement("li");
    li.className = "list-group-item d-flex align-items-center gap-2";
    li.dataset.status = s.status;
    const colour = { added: "success", pending: "secondary", duplicate: "info", refused: "danger",
                     undone: "light", moved: "warning" }[s.status] || "secondary";
    const who = document.createElement("span");
    who.className = "me-auto";
    who.textContent = s.name || (s.code.startsWith("SD1.") ? "…" : s.code);
    const badge = document.createElement("span");
    badge.className = `badge text-bg-${colour}`;
    badge.textContent = { added: T.added, pending: T.pending, duplicate: T.duplicate,
                          undone: T.undone, moved: T.moved_single }[s.status] || s.message;
    if (s.status === "refused") badge.title = s.message;
    li.append(who, badge);
    if ((s.status === "added" || s.status === "pending") && tube().status === "open") {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-danger undo";
      button.textContent = T.undo;
      button.addEventListener("click", () => { undo(s.cid); input.focus(); });
      li.append(button);
    }
    return li;
  }

  function commit() {
    save();
    render();
    if (state.queue.length && !syncing) sync();
  }

  // ---- input ----------------------------------------------------------------------------
  $("scan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    scanned(input.value);
    input.value = "";
    input.focus();
  });
  $("close-tube").addEventListener("click", () => {
    state.mode = "barcode";
    commit();
    input.focus();
  });
  const resize = () => {
    if (tube().queued) return false;
    tube().pool = Number($("pool-size").value); // an empty tube: it just takes the new size
    state.mode = "person";
    commit();
    return true;
  };
  $("pool-size").addEventListener("change", () => { resize(); input.focus(); });
  $("new-tube").addEventListener("click", () => {
    if (!resize()) {
      state.stack.push(state.current);
      newTube();
    }
    input.focus();
  });
  window.addEventListener("online", () => sync());
  window.addEventListener("offline", () => online(false));

  // The camera, where the browser can read codes itself.
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    const button = $("camera-button");
    button.classList.remove("d-none");
    button.addEventListener("click", async () => {
      const video = $("camera");
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        video.srcObject = stream;
        video.classList.remove("d-none");
        await video.play();
        const detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128", "code_39", "ean_13"] });
        let last = "";
        let lastAt = 0;
        const look = async () => {
          if (video.classList.contains("d-none")) return;
          try {
            const found = await detector.detect(video);
            const value = found.length ? found[0].rawValue : "";
            if (value && (value !== last || Date.now() - lastAt > 3000)) {
              last = value;
              lastAt = Date.now();
              scanned(value);
            }
          } catch (_e) { /* a frame it could not read */ }
          setTimeout(look, 250);
        };
        look();
      } catch (_e) {
        say(T.camera_none, "warning");
      }
    });
  }

  if (!state.current || !state.tubes[state.current] || state.tubes[state.current].status !== "open") {
    $("pool-size").value = String(cfg.default_size);
    newTube();
  }
  $("pool-size").value = String(tube().pool);
  online(navigator.onLine);
  commit();
  input.focus();
})();
