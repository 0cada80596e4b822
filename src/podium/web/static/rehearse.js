// The Rehearse page: record in the browser, stream the sound for live feedback, keep every second on the server.
//
// Two paths, on purpose: MediaRecorder's pieces (sound and, with the camera, video) go to the server by HTTP as they
// come, one a second, so the take survives a closed tab or a lost connection; 16 kHz PCM goes over a WebSocket for
// the live transcript and measures. Stop ends both and makes the take an ordinary recording, analysed in full.
(() => {
  "use strict";
  const root = document.getElementById("rehearse");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const csrf = root.dataset.csrf;
  // the report's thresholds (coach.toml and the face summary), so that a nudge says what the report would flag
  const band = { low: Number(root.dataset.low), high: Number(root.dataset.high) };
  const cluster = { count: Number(root.dataset.fillers), ms: 1000 * Number(root.dataset.fillersS) };
  const DOWN_MS = 1000 * Number(root.dataset.downS), LOST_MS = 1000 * Number(root.dataset.lostS);
  const NUDGE_EVERY_MS = 20000;
  const SEND_SAMPLES = 4000; // 250 ms of 16 kHz audio per message
  const KIND_PCM = new Uint8Array([1]); // a binary message's first byte: what follows
  const KIND_IMAGE = new Uint8Array([2]);
  const FRAME_EVERY_MS = 500; // two small camera frames a second for the live face feedback

  let stream = null, recorder = null, ws = null, ctx = null, take = null, started = 0, clock = null;
  let sending = Promise.resolve(), pcm = [], pcmLength = 0, lastNudge = -Infinity, liveEnded = false;
  let frames = null, downSince = null, lostSince = null, fillersNudged = 0;
  const fillerHistory = []; // [time, final fillers so far], over the report's cluster window

  // which nudges the speaker wants is theirs to choose, and this browser remembers it for the next take
  const NUDGE_CHOICE = "podium.nudges";
  const nudgeBoxes = Array.from(document.querySelectorAll("[data-nudge]"));
  try {
    const saved = JSON.parse(localStorage.getItem(NUDGE_CHOICE) || "null");
    if (saved) for (const box of nudgeBoxes) box.checked = saved[box.dataset.nudge] !== false;
  } catch (e) { /* no storage here: every nudge on */ }
  for (const box of nudgeBoxes) {
    box.addEventListener("change", () => {
      try { localStorage.setItem(NUDGE_CHOICE, JSON.stringify(Object.fromEntries(nudgeBoxes.map((b) => [b.dataset.nudge, b.checked])))); } catch (e) { /* kept for this page only */ }
    });
  }
  const wants = (kind) => nudgeBoxes.some((b) => b.dataset.nudge === kind && b.checked);

  const say = (text, kind) => {
    const s = $("rehearse-status");
    s.textContent = text;
    s.className = kind || "hint";
  };
  const clockText = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

  async function post(url, body, headers) {
    const r = await fetch(url, { method: "POST", body, headers: { "X-CSRF-Token": csrf, Accept: "application/json", ...(headers || {}) } });
    let data = {};
    try { data = await r.json(); } catch (e) { /* not JSON */ }
    if (!r.ok) throw new Error(data.error || `the server answered ${r.status}`);
    return data;
  }

  async function media() {
    const audio = { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: false };
    if ($("camera").checked) {
      try {
        return await navigator.mediaDevices.getUserMedia({ audio, video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
      } catch (e) {
        say("The camera is not available, so this take is sound only.", "hint");
      }
    }
    return navigator.mediaDevices.getUserMedia({ audio });
  }

  $("record").addEventListener("click", async () => {
    $("record").disabled = true;
    try {
      if (!navigator.mediaDevices || !window.MediaRecorder) throw new Error("this browser cannot record here (it needs HTTPS, or this computer's own address)");
      stream = await media();
    } catch (e) {
      $("record").disabled = false;
      say(`Podium could not use the microphone: ${e.message || e.name}. Allow it in the browser's address bar and press Record again.`, "error");
      return;
    }
    try {
      take = await post("/rehearsals", null, { "X-Talk": encodeURIComponent($("talk").value.trim()) });
    } catch (e) {
      stream.getTracks().forEach((t) => t.stop());
      $("record").disabled = false;
      say(`The take could not start: ${e.message}`, "error");
      return;
    }
    const video = stream.getVideoTracks().length > 0;
    $("live").hidden = false;
    $("live").classList.toggle("no-video", !video);
    if (video) {
      $("preview").srcObject = stream;
      $("preview").hidden = false;
      $("preview").play().catch(() => {});
    }
    startRecorder(video);
    await startLive();
    started = performance.now();
    clock = setInterval(() => { $("m-time").textContent = clockText((performance.now() - started) / 1000); }, 250);
    $("stop").disabled = false;
    $("talk").disabled = $("camera").disabled = true;
    $("nudge-camera").disabled = !video;
    say("Recording. Speak as you would to your audience; press Stop when you are done.", "hint");
  });

  function startRecorder(video) {
    const types = video ? ["video/webm;codecs=vp8,opus", "video/webm"] : ["audio/webm;codecs=opus", "audio/webm"];
    const mimeType = types.find((t) => MediaRecorder.isTypeSupported(t));
    recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    recorder.addEventListener("dataavailable", (e) => {
      if (!e.data || !e.data.size) return;
      // one piece at a time, in order: the server appends them to one file
      sending = sending.then(() => post(`/rehearsals/${take.id}/media`, e.data)).catch((err) => {
        say(`The server cannot be reached (${err.message}): everything recorded before is kept there. Press Stop; your take will be in your recordings once the server is back.`, "error");
      });
    });
    recorder.start(1000);
  }

  async function startLive() {
    ctx = new AudioContext({ sampleRate: 16000 });
    await ctx.audioWorklet.addModule("/static/pcm-worklet.js");
    const source = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, "pcm-capture");
    const silent = ctx.createGain();
    silent.gain.value = 0; // pulls the graph without playing the microphone back
    source.connect(node).connect(silent).connect(ctx.destination);
    node.port.onmessage = (e) => queuePcm(e.data);
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    ws = new WebSocket(`${scheme}://${location.host}/rehearsals/${take.id}/live`);
    ws.binaryType = "arraybuffer";
    ws.addEventListener("message", (e) => show(JSON.parse(e.data)));
    if (stream.getVideoTracks().length) ws.addEventListener("open", startFrames, { once: true });
    ws.addEventListener("close", () => {
      if (!liveEnded && recorder && recorder.state === "recording") {
        say("Live feedback stopped: the connection to the server was lost. Your take is still being recorded and will be analysed in full.", "hint");
      }
    });
  }

  function startFrames() {
    const canvas = document.createElement("canvas");
    const video = $("preview");
    frames = setInterval(() => {
      if (!ws || ws.readyState !== WebSocket.OPEN || !video.videoWidth) return;
      canvas.width = 320;
      canvas.height = Math.round((320 * video.videoHeight) / video.videoWidth);
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.toBlob((jpeg) => { if (jpeg && ws.readyState === WebSocket.OPEN) ws.send(new Blob([KIND_IMAGE, jpeg])); }, "image/jpeg", 0.7);
    }, FRAME_EVERY_MS);
    $("m-face-box").hidden = false;
  }

  function showFace(m) {
    const box = $("m-face-box"), face = $("m-face");
    if (m.available === false) {
      box.hidden = true;
      clearInterval(frames);
      return;
    }
    const words = { camera: "Looking at the camera", down: "Looking down", away: "Looking away" };
    face.textContent = m.present ? words[m.looking] || "In frame" : "No face in frame";
    face.classList.toggle("out", !m.present || m.looking !== "camera");
    const now = performance.now();
    downSince = m.present && m.looking === "down" ? downSince || now : null;
    lostSince = m.present ? null : lostSince || now;
    if (downSince && now - downSince > DOWN_MS) showNudge("camera", "Looking down for a while: glance at your notes, then speak to the camera.");
    else if (lostSince && now - lostSince > LOST_MS) showNudge("camera", "Your face has left the frame: move back into view of the camera.");
  }

  // at most one nudge every NUDGE_EVERY_MS, whatever it is about, and only of the kinds the speaker chose; true if shown
  function showNudge(kind, text) {
    const now = performance.now();
    if (!wants(kind) || now - lastNudge < NUDGE_EVERY_MS) return false;
    lastNudge = now;
    const n = $("nudge");
    n.textContent = text;
    n.dataset.kind = kind;
    n.hidden = false;
    setTimeout(() => { if (n.textContent === text) n.hidden = true; }, 8000);
    return true;
  }

  function queuePcm(samples) {
    pcm.push(samples);
    pcmLength += samples.length;
    if (pcmLength >= SEND_SAMPLES) flushPcm();
  }

  function flushPcm() {
    if (!pcmLength) return;
    const out = new Int16Array(pcmLength);
    let k = 0;
    for (const part of pcm) for (let i = 0; i < part.length; i++) out[k++] = Math.max(-32768, Math.min(32767, Math.round(part[i] * 32767)));
    pcm = [];
    pcmLength = 0;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(new Blob([KIND_PCM, out.buffer]));
  }

  function wordSpan(w, partial) {
    const s = document.createElement("span");
    s.textContent = w.text + " ";
    if (w.filler) s.className = "filler";
    if (partial) s.classList.add("partial");
    return s;
  }

  function show(m) {
    if (m.type === "busy") {
      say(m.message, "hint");
      return;
    }
    if (m.type === "face") {
      showFace(m);
      return;
    }
    const box = $("transcript");
    const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    box.querySelectorAll(".partial").forEach((n) => n.remove());
    for (const w of m.final) box.appendChild(wordSpan(w, false));
    for (const w of m.partial) box.appendChild(wordSpan(w, true));
    if (atEnd) box.scrollTop = box.scrollHeight;
    const pace = $("m-pace");
    pace.textContent = m.wpm == null ? "–" : `${m.wpm} wpm`;
    pace.classList.toggle("out", m.wpm != null && (m.wpm < band.low || m.wpm > band.high));
    pace.title = `recommended ${band.low}-${band.high} wpm (PowerPoint Speaker Coach)`;
    $("m-fillers").textContent = String(m.fillers);
    $("m-pause").textContent = m.pause_s ? `${m.pause_s.toFixed(1)} s` : "–";
    $("m-level").value = Math.max(-60, Math.min(0, m.level_db));
    nudge(m);
  }

  function nudge(m) {
    if (m.type !== "state") return;
    const now = performance.now();
    // final words only: a provisional filler may be revised away, and a nudge must not count what the page then drops
    fillerHistory.push([now, m.final_fillers]);
    while (fillerHistory.length && now - fillerHistory[0][0] > cluster.ms) fillerHistory.shift();
    // fillers a nudge already spoke of are not counted again for the next one
    const recentFillers = m.final_fillers - Math.max(fillerHistory[0][1], fillersNudged);
    const pace = wants("pace") ? m.wpm : null; // a kind turned off leaves room for the others
    if (pace != null && pace > band.high) showNudge("pace", `A little slower: ${m.wpm} words a minute over the last 30 s (the recommended pace is ${band.low}-${band.high}).`);
    else if (pace != null && pace < band.low && m.pause_s < 2) showNudge("pace", `You can pick up the pace: ${m.wpm} words a minute over the last 30 s (recommended ${band.low}-${band.high}).`);
    else if (recentFillers >= cluster.count && showNudge("fillers", `${recentFillers} fillers in the last ${cluster.ms / 1000} s: a short silent pause works better than “um”.`)) fillersNudged = m.final_fillers;
  }

  $("stop").addEventListener("click", async () => {
    $("stop").disabled = true;
    clearInterval(clock);
    say("Stopping: saving the last seconds…", "hint");
    const stopped = new Promise((resolve) => recorder.addEventListener("stop", resolve, { once: true }));
    recorder.stop();
    await stopped;
    await sending; // every piece is on the server
    flushPcm();
    const finalWords = new Promise((resolve) => {
      if (!ws || ws.readyState !== WebSocket.OPEN) return resolve();
      const timer = setTimeout(resolve, 20000);
      ws.addEventListener("close", () => { clearTimeout(timer); resolve(); });
    });
    liveEnded = true;
    clearInterval(frames);
    if (ws && ws.readyState === WebSocket.OPEN) ws.send("stop");
    await finalWords;
    stream.getTracks().forEach((t) => t.stop());
    if (ctx) ctx.close();
    try {
      const rec = await post(`/rehearsals/${take.id}/finish`, null);
      say("Saved. The full analysis has started; opening the recording…", "ok");
      location.href = rec.url;
    } catch (e) {
      say(`The take could not be saved: ${e.message}`, "error");
    }
  });
})();
