// The gate kiosk: scan (a handheld scanner types the code and presses Enter), temperature,
// verdict with colour and a WebAudio beep, ready for the next scan at once. Online it asks
// POST /api/v1/gate/verdicts; without network it decides from the last snapshot
// (GET /api/v1/gate/snapshot, kept in localStorage) and queues the check, which is uploaded
// to POST /api/v1/gate/checks/batch (idempotent by client_id) when the network is back.
(function () {
  "use strict";
  const root = document.getElementById("kiosk");
  if (!root) return;
  const school = Number(root.dataset.school);
  const api = root.dataset.api;
  const english = (root.dataset.lang || "").startsWith("en");
  const texts = JSON.parse(document.getElementById("kiosk-texts").textContent);
  const $ = (id) => document.getElementById(id);
  const scan = $("scan-input"), temp = $("temperature"), direction = $("direction"), gate = $("gate");
  const offer = $("register-visitor");
  const box = $("verdict"), word = $("verdict-word"), why = $("verdict-reason"), who = $("verdict-person");
  const SNAP_KEY = "gate-snapshot-" + school, QUEUE_KEY = "gate-queue-" + school;
  const SEVERITY = { pass: 0, refer: 1, stop: 2 };
  let snapshot = null, index = null, online = navigator.onLine;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }
  function clientId() {
    return "kiosk-" + school + "-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }

  // ---- sound ----------------------------------------------------------------------------
  let audio = null;
  function beep(verdict) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tones = { pass: [[880, 0.12]], refer: [[660, 0.12], [660, 0.12]], stop: [[220, 0.6]] }[verdict];
      let at = audio.currentTime;
      for (const [freq, length] of tones) {
        const osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = freq; osc.type = verdict === "stop" ? "square" : "sine";
        gain.gain.value = 0.2;
        osc.connect(gain).connect(audio.destination);
        osc.start(at); osc.stop(at + length);
        at += length + 0.08;
      }
    } catch (e) { /* no sound device: the colour still says it */ }
  }

  // ---- showing --------------------------------------------------------------------------
  // Someone the gate does not know is offered the visitor pre-registration, not a dead end.
  function offerVisit(shown) { if (offer) offer.hidden = !shown; }
  function show(verdict, reasonText, person, note) {
    offerVisit(false);
    box.className = box.className.replace(/\bv-\w+\b/g, "") + " v-" + verdict;
    box.dataset.verdict = verdict;
    word.textContent = texts[verdict] || verdict;
    why.textContent = reasonText + (note ? " · " + note : "");
    who.textContent = person ? [person.name, person.klass].filter(Boolean).join(" · ") : "";
    beep(verdict);
  }
  function showError(message) {
    box.className = box.className.replace(/\bv-\w+\b/g, "") + " v-idle";
    box.dataset.verdict = "error";
    word.textContent = texts.error;
    why.textContent = message;
    who.textContent = "";
  }
  // A new code is being checked: the last person's verdict (and name) leaves the screen.
  function clearVerdict(text) {
    box.className = box.className.replace(/\bv-\w+\b/g, "") + " v-idle";
    box.dataset.verdict = "checking";
    word.textContent = "—";
    why.textContent = text;
    who.textContent = "";
  }
  // After a refused temperature the code stays; only the temperature is typed again.
  function retryTemperature() {
    temp.value = "";
    temp.focus();
  }
  function ready() {
    scan.value = ""; temp.value = "";
    scan.focus();
  }
  function setNet(isOnline) {
    online = isOnline;
    const badge = $("net-state");
    badge.textContent = isOnline ? texts.online : texts.offline;
    badge.className = "badge " + (isOnline ? "text-bg-success" : "text-bg-warning");
  }
  function showQueue() {
    const n = queue().length;
    $("queue-state").textContent = n ? n + " " + texts.queued : "";
  }

  // ---- snapshot -------------------------------------------------------------------------
  function loadSnapshot() {
    try { snapshot = JSON.parse(localStorage.getItem(SNAP_KEY)); } catch (e) { snapshot = null; }
    buildIndex();
  }
  function buildIndex() {
    index = { byId: new Map(), byNumber: new Map() };
    if (!snapshot) return;
    for (const item of snapshot.items) {
      index.byId.set(item.id, item);
      index.byNumber.set(item.number, item);
    }
  }
  async function refreshSnapshot() {
    let after = 0, items = [], meta = null;
    for (;;) {
      const response = await fetch(api + "/snapshot?school_id=" + school + "&after=" + after,
                                   { credentials: "same-origin" });
      if (!response.ok) return;
      const page = await response.json();
      meta = meta || page;
      items = items.concat(page.items.map((i) => ({ id: i.id, number: i.number, code_hash: i.code_hash,
                                                    klass: i.klass, in: i.in, out: i.out })));
      if (page.next_after === null) break;
      after = page.next_after;
    }
    snapshot = { code_day: meta.code_day, fever_threshold: meta.fever_threshold,
                 reasons: meta.reasons, generated_at: meta.generated_at, items: items };
    try { localStorage.setItem(SNAP_KEY, JSON.stringify(snapshot)); } catch (e) { /* full */ }
    buildIndex();
    root.dataset.snapshot = String(items.length);
  }

  // Whether the snapshot knows the scanned code or number: true, false, or null (no
  // snapshot yet, or a code it cannot vouch for: the server decides).
  function knownLocally(scanned) {
    if (!snapshot || !index) return null;
    if (/^SV1\./i.test(scanned)) return null;  // a visitor's code: the server decides
    const code = /^SD1\.(\d+)\.(\d+)\.(\d{8})\.([A-Z2-7]{16})$/.exec(scanned);
    if (code) return Number(code[1]) === school && index.byId.has(Number(code[2]));
    return index.byNumber.has(scanned);
  }

  // ---- deciding offline -----------------------------------------------------------------
  async function sha256hex(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  function combine(codes) {
    const reasons = snapshot.reasons;
    const list = [...new Set(codes)].map((c) => ({ code: c, verdict: reasons[c][0], zh: reasons[c][1], en: reasons[c][2] }));
    list.sort((a, b) => SEVERITY[b.verdict] - SEVERITY[a.verdict]);
    return { verdict: list[0].verdict, reasons: list };
  }
  async function decideOffline(scanned, temperature, dir) {
    let item = null, codes = [];
    // A visitor's code is checked against its visit on the server only: by hand offline.
    if (/^SV1\./i.test(scanned)) return { ...combine(["code_unverified"]), item: null };
    const code = /^SD1\.(\d+)\.(\d+)\.(\d{8})\.([A-Z2-7]{16})$/.exec(scanned);
    if (code) {
      item = index.byId.get(Number(code[2])) || null;
      if (item && Number(code[1]) === school) {
        const today = snapshot.code_day.replaceAll("-", "");
        if (code[3] !== today) codes.push("code_expired");
        else if (window.crypto && crypto.subtle) {
          if ((await sha256hex(scanned)).slice(0, item.code_hash.length) !== item.code_hash) return { ...combine(["code_invalid"]), item: null };
        } else codes.push("code_unverified");
      } else item = null;
    } else {
      item = index.byNumber.get(scanned) || null;
    }
    if (!item) return { ...combine(["unknown_person"]), item: null };
    const base = dir === "in" ? item.in : item.out;
    codes = codes.concat(base[1].filter((c) => c !== "ok"));
    if (temperature === null) { if (dir === "in") codes.push("no_temperature"); }
    else if (temperature >= snapshot.fever_threshold) codes.push(dir === "in" ? "fever" : "fever_leaving");
    return { ...combine(codes.length ? codes : ["ok"]), item: item };
  }

  // ---- the queue ------------------------------------------------------------------------
  function queue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY)) || []; } catch (e) { return []; }
  }
  function saveQueue(items) { localStorage.setItem(QUEUE_KEY, JSON.stringify(items)); showQueue(); }
  async function upload() {
    const items = queue();
    if (!items.length || !navigator.onLine) return;
    const batch = items.slice(0, 1000);
    let response;
    try {
      response = await fetch(api + "/checks/batch", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ school_id: school, records: batch }),
      });
    } catch (e) { setNet(false); return; }
    if (!response.ok) return;
    const done = new Set(batch.map((r) => r.client_id));
    saveQueue(queue().filter((r) => !done.has(r.client_id)));
    setNet(true);
  }

  // ---- a scan ---------------------------------------------------------------------------
  async function check() {
    const scanned = scan.value.trim();
    if (!scanned) return;
    const raw = temp.value.trim();
    if (raw && isNaN(Number(raw))) {  // a typing slip: the server says why for a number
      showError(texts.bad_temperature);
      return retryTemperature();
    }
    clearVerdict(texts.checking);
    const body = { code_or_number: scanned, temperature: raw || null, direction: direction.value,
                   client_id: clientId(), school_id: school, gate_id: gate.value ? Number(gate.value) : null };
    let response = null;
    try {
      response = await fetch(api + "/verdicts", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify(body),
      });
    } catch (e) { setNet(false); }
    // A server error means the check was not recorded (its database restarting, say): decide
    // offline and queue it under the same client id, as with no answer at all; the upload
    // records it once even if the server did record it after all.
    if (response && response.status >= 500) response = null;
    if (response) {
      setNet(true);
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        show(answer.verdict, answer.text, answer.person || answer.visitor, "");
        offerVisit(answer.reason === "unknown_person");
      } else if (response.status === 404) { show("stop", texts.not_found, null, ""); offerVisit(true); }
      else {
        showError((answer.errors && answer.errors[0] && answer.errors[0].message) || answer.message || response.status);
        if (answer.errors && answer.errors.some((e) => e.field === "temperature")) return retryTemperature();
      }
      return ready();
    }
    if (!snapshot) { showError(texts.offline); return ready(); }
    const temperature = raw && !isNaN(Number(raw)) ? Number(raw) : null;
    const decided = await decideOffline(scanned, temperature, direction.value);
    const first = decided.reasons[0];
    show(decided.verdict, english ? first.en : first.zh,
         decided.item ? { name: "", klass: decided.item.klass } : null, texts.offline);
    offerVisit(first.code === "unknown_person");
    const record = { client_id: body.client_id, at: new Date().toISOString(), temperature: temperature,
                     direction: body.direction, verdict: decided.verdict,
                     reasons: decided.reasons.map((r) => r.code) };
    if (decided.item) record.person_id = decided.item.id; else if (!/^SD1\./.test(scanned)) record.number = scanned;
    else record.code = scanned;
    saveQueue(queue().concat([record]));
    ready();
  }

  scan.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    if (!scan.value.trim()) return;
    if (direction.value === "in" && !temp.value.trim()) {
      if (knownLocally(scan.value.trim()) === false) return check();  // refused at once
      clearVerdict(texts.temperature);
      temp.focus();
      return;
    }
    check();
  });
  temp.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    if (scan.value.trim()) check(); else scan.focus();
  });
  scan.addEventListener("input", () => {
    if (box.dataset.verdict && box.dataset.verdict !== "checking") clearVerdict(texts.ready);
  });
  $("scan-form").addEventListener("submit", (event) => { event.preventDefault(); check(); });
  window.addEventListener("online", () => { setNet(true); upload(); });
  window.addEventListener("offline", () => setNet(false));

  loadSnapshot();
  showQueue();
  setNet(navigator.onLine);
  refreshSnapshot().catch(() => setNet(false));
  setInterval(() => { if (navigator.onLine) refreshSnapshot().catch(() => {}); }, 10 * 60 * 1000);
  setInterval(upload, 5000);
  upload();
  scan.focus();
})();
