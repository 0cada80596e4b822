/* Podium report page. Everything is drawn from the JSON in #podium-data; text goes in with textContent only,
   so nothing from a recording can run as code. No network: no fonts, no CDN, no requests. */
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("podium-data").textContent);
  const NS = "http://www.w3.org/2000/svg";
  const app = document.getElementById("app");
  const dur = Math.max(D.source.duration_s || 0, 0.1);
  const opts = (D.options && D.options.coach && D.options.coach.values) || {};

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of kids) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  function clock(t) {  // m:ss.s, or h:mm:ss.s from an hour on
    t = Math.round(t * 10) / 10;  // (59.96 s is 1:00.0, not 0:60.0)
    const h = Math.floor(t / 3600), m = Math.floor((t - 3600 * h) / 60), s = t - 3600 * h - 60 * m;
    return (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s.toFixed(1);
  }
  function band(b) { return el("span", {class: "band " + (b || "unscored").replace(" ", "-"), text: b || "unscored"}); }

  /* ---------- player ---------- */
  const media = D.media || {};
  const player = el(media.kind === "video" ? "video" : "audio",
    {id: "player", controls: "", preload: "metadata", "aria-label": "The recording"});
  const playerNote = el("p", {class: "note", id: "media-note", hidden: ""});
  let stopAt = null, triedFallback = false;
  // a file name may hold "#", "%", "?" or spaces: each path part is encoded, or the browser would cut it short
  const url = (path) => path.split("/").map(encodeURIComponent).join("/");
  if (media.src) player.src = url(media.src);
  else {
    playerNote.hidden = false;
    playerNote.textContent = "The recording is not next to this report. Put it at " + (media.expected || "media/") +
      " beside report.html and run 'podium report' on this folder to listen along.";
  }
  player.addEventListener("error", () => {
    if (media.fallback && !triedFallback) {
      triedFallback = true;
      player.src = url(media.fallback);
      if (media.fallback_note) { playerNote.hidden = false; playerNote.textContent = media.fallback_note; }
      return;
    }
    playerNote.hidden = false;
    playerNote.textContent = "The recording could not be played here. Put " + (media.expected || "it") +
      " next to report.html (in its media folder) to listen along.";
  });
  /* "Try: " before a tip, unless the tip already says "try" first ("Try: Try a silent pause") */
  function tryThis(tip) { return /^try\b/i.test(tip) ? tip.charAt(0).toUpperCase() + tip.slice(1) : "Try: " + tip; }
  /* a date as the reader writes dates ("4 Dec 2026, 03:58"), not an ISO stamp */
  function when(iso) {
    const d = new Date(iso);
    return isNaN(d) ? String(iso || "") : d.toLocaleString(undefined, {dateStyle: "medium", timeStyle: "short"});
  }
  let onSeek = (play) => {};
  function seek(t, play, until) {
    player.currentTime = Math.max(0, t);
    stopAt = until === undefined ? null : until;
    if (play) { const p = player.play(); if (p && p.catch) p.catch(() => {}); }
    onSeek(play);
  }
  player.addEventListener("timeupdate", () => {
    if (stopAt !== null && player.currentTime >= stopAt) { player.pause(); stopAt = null; }
    follow(player.currentTime);
  });

  /* ---------- header and summary ---------- */
  const fb = D.feedback;
  const name = D.source.path.replace(/\\/g, "/").split("/").pop();
  app.append(el("header", {},
    el("a", {class: "skip", href: "#transcript", text: "Skip to the transcript"}),
    el("h1", {text: "Podium report: " + name}),
    D.talk ? el("p", {class: "talk", text: "A take of “" + D.talk + "”"}) : null,
    el("p", {class: "muted small", text: clock(D.source.duration_s) + " long · analysed " + when(D.created_at) +
      " · Podium " + D.podium_version + " · made on this computer, nothing uploaded"})));
  for (const n of D.notes || []) app.append(el("p", {class: "note", text: n}));

  const summary = el("section", {id: "summary", "aria-label": "Summary"});
  const top = el("div", {class: "top"});
  const overall = fb ? fb.overall : null;
  const ring = svg("svg", {viewBox: "0 0 120 120", class: "ring", role: "img",
    "aria-label": overall === null ? "Overall score: not scored" : "Overall score " + overall + " out of 100"});
  ring.append(svg("circle", {cx: 60, cy: 60, r: 52, fill: "none", stroke: "#e3e3e8", "stroke-width": 12}));
  if (overall !== null) {
    const c = 2 * Math.PI * 52;
    ring.append(svg("circle", {cx: 60, cy: 60, r: 52, fill: "none", stroke: overall >= 90 ? "#1f7a3a" :
      overall >= 70 ? "#3457d5" : "#b3261e", "stroke-width": 12, "stroke-dasharray": (c * overall / 100) + " " + c,
      transform: "rotate(-90 60 60)", "stroke-linecap": "round"}));
  }
  const rt = svg("text", {x: 60, y: 68, "text-anchor": "middle", "font-size": 30});
  rt.textContent = overall === null ? "–" : String(overall);
  ring.append(rt);
  const side = el("div", {});
  if (fb) {
    side.append(el("h2", {text: "Work on first", style: "margin-top:0"}));
    const ol = el("ol", {id: "priorities"});
    // one line each: what, the figure, what to try, and the moment that shows it (click to play)
    if ((fb.focus || []).length) for (const f of fb.focus) {
      const m = f.moment;
      ol.append(el("li", {class: "focus"},
        el("b", {text: f.title + " "}), el("span", {class: "muted small", text: f.score + "/100 · " + f.value}), el("br"),
        el("span", {text: f.tip + " "}),
        m ? el("button", {type: "button", class: "at", "data-start": m.start, title: m.evidence,
          "aria-label": "Play " + clock(m.start) + ": " + m.evidence, onclick: () => seek(m.start, true, m.end + 0.3),
          text: "▶ " + clock(m.start)}) : null));
    }
    else for (const p of fb.priorities) ol.append(el("li", {text: p}));
    if (!fb.priorities.length) ol.append(el("li", {text: fb.overall === null
      ? "Too little speech to score. Record at least 20 seconds and 40 words of the talk."
      : "Nothing stands out: every scored dimension is in a good range."}));
    side.append(ol);
    if (fb.strengths.length) {
      side.append(el("h3", {text: "What works"}));
      const ul = el("ul", {id: "strengths"});
      for (const s of fb.strengths) ul.append(el("li", {text: s}));
      side.append(ul);
    }
    const cv = fb.coverage || {};
    side.append(el("p", {class: "muted small", id: "coverage", text: "Based on " + Math.round(cv.speech_s || 0) +
      " s of speech and " + (cv.words || 0) + " words · transcript confidence " +
      (cv.transcript_confidence == null ? "–" : cv.transcript_confidence.toFixed(2)) +
      (cv.low_confidence ? " (low: check the transcript)" : "") + " · video " + (cv.video || "not analysed")}));
  }
  // the recording beside the result: a video takes the first column, the score and what to work on the second
  const slot = el("div", {class: "player"}, el("div", {class: "playerbox"}, player), playerNote);
  const result = el("div", {class: "result"}, el("div", {}, ring, el("p", {class: "muted small", text: "overall / 100"})), side);
  if (media.kind === "video") { top.classList.add("with-video"); top.append(slot, result); }
  else {  // a sound: its player right under what to work on, before the longer list of what works
    top.append(result);
    const works = side.querySelector("h3");
    if (works) side.insertBefore(slot, works); else side.append(slot);
  }
  summary.append(top);
  app.append(summary);

  /* ---------- scorecard ---------- */
  if (fb) {
    const sc = el("section", {id: "scorecard", "aria-label": "Scorecard"}, el("h2", {text: "Scorecard", style: "margin-top:0"}));
    const cards = el("div", {class: "cards"});
    for (const d of fb.dimensions) {
      cards.append(el("div", {class: "card", "data-dimension": d.dimension},
        el("h3", {}, el("span", {text: d.title || d.dimension}), band(d.band)),
        el("div", {class: "score", text: d.score === null ? "–" : String(d.score)}),
        el("p", {text: d.value}),
        d.target ? el("p", {class: "muted small", text: "Aim: " + d.target}) : null,
        d.reason ? el("p", {class: "muted small", text: "Unscored: " + d.reason}) : null,
        el("p", {text: d.tip})));
    }
    sc.append(cards);
    app.append(sc);
  }

  /* ---------- slides ---------- */
  if (D.slides) {
    const S = D.slides;
    const th = Object.assign({read_share: 0.5, rushed_s: 5, max_words: 36, min_font_pt: 18},
      ((D.options || {}).coach || {}).values ? D.options.coach.values.slides : {});
    const from = {video: "the video", file: "the timing file", speech: "the words said"}[S.timing] || S.timing;
    const sec = el("section", {id: "slides", "aria-label": "Slides"}, el("h2", {text: "Slides", style: "margin-top:0"}),
      el("p", {class: "muted small", text: S.deck + " · " + S.slides.length + " slides · when each came up: from " + from +
        (S.timing === "speech" ? " (confidence " + S.confidence.toFixed(2) + (S.confidence < 0.5 ? ": approximate" : "") + ")" : "") +
        (S.target_s ? " · target " + +(S.target_s / 60).toFixed(1) + " min" : "") + ". Select a slide to play from when it came up."}));
    const strip = el("ol", {class: "strip"});
    const images = (D.media || {}).slide_images || [];
    let elapsed = 0;
    for (const u of S.slides) {
      const flags = [];
      if (u.start === null) flags.push(["skipped", "not shown"]);
      if (u.read_share >= th.read_share) flags.push(["read", "read aloud: " + Math.round(100 * u.read_share) + " % of its words"]);
      if (u.start !== null && u.seconds < th.rushed_s) flags.push(["rushed", "rushed: " + u.seconds.toFixed(1) + " s"]);
      if (u.words_on_slide > th.max_words) flags.push(["crowded", "crowded: " + u.words_on_slide + " words"]);
      if (u.min_font_pt !== null && u.min_font_pt < th.min_font_pt) flags.push(["crowded", "small text: " + u.min_font_pt + " pt"]);
      if (u.notes_read_share !== null && u.notes_read_share >= th.read_share) flags.push(["notes", "notes said word for word"]);
      if (S.target_s && u.seconds > (th.long_factor || 2) * S.target_s / S.slides.length) flags.push(["rushed", "long: " + clock(u.seconds).replace(/\.\d$/, "")]);
      if (S.target_s && u.start !== null && elapsed <= S.target_s && u.end > S.target_s) flags.push(["over", "target passed here"]);
      if (u.start !== null) elapsed = Math.max(elapsed, u.end);
      const pic = images[u.number - 1]
        ? el("img", {src: images[u.number - 1], alt: "Slide " + u.number, loading: "lazy"})
        : el("span", {class: "textslide", text: u.title || "Slide " + u.number});
      const body = el("span", {class: "meta"},
        el("b", {text: u.number + ". " + (u.title || "")}),
        el("span", {class: "muted small", text: u.start === null ? "not shown" : clock(u.start) + " · " + (u.seconds < 10 ? u.seconds.toFixed(1) : Math.round(u.seconds)) + " s"}),
        ...flags.map(([k, t]) => el("span", {class: "flag " + k, text: t})));
      const item = el("li", {class: "slide" + (u.start === null ? " skipped" : "")});
      if (u.start === null) item.append(el("div", {class: "slidebtn"}, pic, body));
      else item.append(el("button", {type: "button", class: "slidebtn", "aria-label": "Play from slide " + u.number + " at " + clock(u.start),
        onclick: () => seek(u.start, true)}, pic, body));
      strip.append(item);
    }
    sec.append(strip);
    app.append(sec);
  }

  /* ---------- timeline ---------- */
  const W = 1000, LEFT = 70, PW = W - LEFT - 10;
  const X = (t) => LEFT + PW * t / dur;
  const T = (x) => Math.min(dur, Math.max(0, (x - LEFT) / PW * dur));
  const v = D.voice || {};
  const tracks = [];
  let y0 = 8;
  function track(label, h) { const t = {label, y: y0, h}; y0 += h + 14; tracks.push(t); return t; }
  const tPace = track("pace, wpm", 70), tPitch = track("pitch, st", 60), tLoud = track("loudness, dB", 46),
    tEvents = track("pauses · fillers", 34);
  const face = D.face && !D.face.skipped_reason && (D.face.timeline || []).length ? D.face : null;
  const tFace = face ? track("eye contact · smile", 40) : null;
  const SMILE = "#c2185b";  // not the fillers' orange: one colour, one meaning
  // moments: red for major, grey for minor (red and brown looked alike to a red-green colour-blind reader)
  const MAJOR = "#b3261e", MINOR = "#6e6e6e";
  const H = y0 + 14;
  const chart = svg("svg", {viewBox: "0 0 " + W + " " + H, role: "img", tabindex: "0", id: "chart",
    "aria-label": "Timeline of pace, pitch, loudness, pauses and fillers. Arrow keys move, Enter plays from there."});
  const labels = [];  // drawn last, over the lines
  for (const t of tracks) {
    chart.append(svg("rect", {x: LEFT, y: t.y, width: PW, height: t.h, fill: "#fbfbfd", stroke: "#e3e3e8"}));
    const lab = svg("text", {x: LEFT + 4, y: t.y + 11, class: "track-label"}); lab.textContent = t.label; labels.push(lab); t.el = lab;
  }
  const step = dur > 1200 ? 300 : dur > 300 ? 60 : dur > 60 ? 15 : dur > 20 ? 5 : 1;
  for (let s = 0; s <= dur; s += step) {
    chart.append(svg("line", {x1: X(s), x2: X(s), y1: 8, y2: H - 14, stroke: "#eee"}));
    const lab = svg("text", {x: X(s), y: H - 2, "text-anchor": "middle", class: "track-label"});
    lab.textContent = clock(s).replace(/\.0$/, ""); chart.append(lab);
  }
  function axis(tr, lo, hi, ticks, fmt) {  // values on the vertical axis, left of the lane
    for (const val of ticks) {
      const y = tr.y + tr.h - tr.h * (val - lo) / (hi - lo);
      const lab = svg("text", {x: LEFT - 4, y: Math.min(tr.y + tr.h, Math.max(tr.y + 8, y + 3.5)), "text-anchor": "end",
        class: "axis-label"});
      lab.textContent = fmt(val); chart.append(lab);
      chart.append(svg("line", {x1: LEFT, x2: LEFT + PW, y1: y, y2: y, stroke: "#eef0f4"}));
    }
  }
  function line(pts, tr, lo, hi, color) {
    let d = "", pen = false;
    for (const [t, val] of pts) {
      if (val === null || val === undefined || val < lo || val > hi) { pen = false; continue; }  // a gap, never a spike at the edge
      const y = tr.y + tr.h - tr.h * (Math.min(hi, Math.max(lo, val)) - lo) / (hi - lo);
      d += (pen ? "L" : "M") + X(t).toFixed(1) + " " + y.toFixed(1); pen = true;
    }
    chart.append(svg("path", {d, fill: "none", stroke: color, "stroke-width": 1.6}));
  }
  // pace with the recommended band
  const windows = v.pace_timeline || [];
  let pace = windows.length === 1 ? [[windows[0].start, windows[0].wpm], [windows[0].end, windows[0].wpm]]
    : windows.map((w) => [(w.start + w.end) / 2, w.wpm]);
  // a talk too short for more than a few 30 s windows: a 10 s window every second shows how the pace moved (the
  // score still rests on the 30 s windows)
  const SHORT_WIN = 10;
  if (windows.length <= 4 && dur >= 2 * SHORT_WIN) {
    const said = ((D.transcript && D.transcript.words) || []).filter((w) => !/^(um|uh|er|ah|hm)$/.test(w.filler_kind || ""))
      .map((w) => (w.start + w.end) / 2);
    if (said.length > 5) {
      const a = said[0], b = said[said.length - 1], pts = [];
      for (let c = a + SHORT_WIN / 2; c <= b - SHORT_WIN / 2 + 1e-6; c += 1) {
        const n = said.filter((t) => t >= c - SHORT_WIN / 2 && t < c + SHORT_WIN / 2).length;
        pts.push([c, 60 * n / SHORT_WIN]);
      }
      if (pts.length > 1) { pace = pts; tPace.el.textContent = "pace, wpm (10 s window)"; }
    }
  }
  const lo = (opts.pace && opts.pace.min_wpm) || 100, hi = (opts.pace && opts.pace.max_wpm) || 165, top2 = Math.max(220, ...pace.map((p) => p[1] + 10));
  const py = (val) => tPace.y + tPace.h - tPace.h * val / top2;
  chart.append(svg("rect", {x: LEFT, y: py(hi), width: PW, height: py(lo) - py(hi), fill: "#e3f4e8"}));
  line(pace, tPace, 0, top2, "#3457d5");
  axis(tPace, 0, top2, [lo, hi], (x) => String(Math.round(x)));
  // pitch in semitones around the median, loudness in dB
  const med = (v.pitch && v.pitch.median_hz) || null;
  const contour = v.contour || [];
  if (med) {
    // semitones around the speaker's median, a running median of five points (octave slips and single-frame
    // spikes gone), unvoiced stretches left as gaps
    const st = contour.map((c) => (c[1] ? 12 * Math.log2(c[1] / med) : null));
    const smooth = st.map((x, i) => {
      if (x === null) return null;
      const win = st.slice(Math.max(0, i - 2), i + 3).filter((y) => y !== null).sort((a, b) => a - b);
      return win[win.length >> 1];
    });
    line(contour.map((c, i) => [c[0], smooth[i]]), tPitch, -12, 12, "#7a3fd0");
    axis(tPitch, -12, 12, [-12, 0, 12], (x) => (x > 0 ? "+" : "") + x + " st");
  }
  const lv = contour.map((c) => c[2]).filter((x) => x > -100).sort((a, b) => a - b);
  const lmin = lv.length ? lv[Math.floor(lv.length * 0.02)] : -60, lmax = lv.length ? lv[lv.length - 1] : 0;
  line(contour.map((c) => [c[0], Math.max(lmin, c[2])]), tLoud, lmin, Math.max(lmax, lmin + 1), "#0f7b8a");
  axis(tLoud, lmin, Math.max(lmax, lmin + 1), [lmin, Math.max(lmax, lmin + 1)], (x) => Math.round(x) + " dB");
  // pauses, fillers, moments
  for (const p of v.pauses || []) chart.append(svg("rect", {x: X(p.start), y: tEvents.y + 2, width: Math.max(1, X(p.end) - X(p.start)),
    height: tEvents.h - 4, fill: p.long ? "#9b7cf0" : "#d9ccff"}));
  const words = (D.transcript && D.transcript.words) || [];
  for (const w of words) if (w.filler) chart.append(svg("circle", {cx: X(w.start), cy: tEvents.y + tEvents.h / 2, r: 4,
    fill: "#e39b00"}));
  // moments as markers along the top edge (a bar over their stretch), not washes over every lane
  for (const m of (fb && fb.moments) || []) {
    const c = m.severity === "major" ? MAJOR : MINOR;
    chart.append(svg("rect", {x: X(m.start), y: 1, width: Math.max(3, X(m.end) - X(m.start)), height: 4, fill: c, opacity: 0.8}));
    chart.append(svg("path", {d: "M" + X(m.start).toFixed(1) + " 1 l4 0 l-4 6 z", fill: c}));
  }
  if (tFace) {
    const tl = face.timeline;
    line(tl.map((s) => [s.t, s.present ? (s.eye_contact ? 1 : 0) : null]), tFace, -0.1, 1.1, "#1f7a3a");
    line(tl.map((s) => [s.t, s.present ? s.smile : null]), tFace, -0.1, 1.1, SMILE);
    axis(tFace, -0.1, 1.1, [0, 1], (x) => (x ? "yes" : "no"));
  }
  for (const lab of labels) chart.append(lab);
  const cursor = svg("line", {y1: 8, y2: H - 14, stroke: "#1d1d1f", "stroke-width": 1, visibility: "hidden"});
  chart.append(cursor);
  const tip = el("div", {id: "tip", role: "status"});
  function nearest(arr, t, key) {
    let best = null, bd = Infinity;
    for (const a of arr) { const d = Math.abs(key(a) - t); if (d < bd) { bd = d; best = a; } }
    return best;
  }
  function valuesAt(t) {
    const out = [clock(t)];
    const pw = (v.pace_timeline || []).filter((w) => w.start <= t && t <= w.end);
    if (pw.length) out.push("pace " + Math.round(pw.reduce((s, w) => s + w.wpm, 0) / pw.length) + " wpm");
    const c = nearest(contour, t, (x) => x[0]);
    if (c) { if (c[1]) out.push("pitch " + Math.round(c[1]) + " Hz"); out.push("loudness " + c[2].toFixed(0) + " dBFS"); }
    for (const p of v.pauses || []) if (p.start <= t && t <= p.end) out.push("pause " + p.duration.toFixed(1) + " s");
    const w = words.find((x) => x.start - 0.2 <= t && t <= x.end + 0.2 && x.filler);
    if (w) out.push("filler: " + w.text);
    if (face) { const s = nearest(face.timeline, t, (x) => x.t);
      if (s && s.present) out.push("eye contact " + (s.eye_contact ? "yes" : "no") + ", smile " + (s.smile || 0).toFixed(2)); }
    for (const m of (fb && fb.moments) || []) if (m.start <= t && t <= m.end) out.push("• " + m.evidence);
    return out.join("\n");
  }
  let cursorT = 0;
  function showAt(t, px, py2) {
    cursorT = t;
    cursor.setAttribute("x1", X(t)); cursor.setAttribute("x2", X(t)); cursor.setAttribute("visibility", "visible");
    tip.textContent = valuesAt(t); tip.style.display = "block";
    const box = chartBox.getBoundingClientRect();  // (on a phone the chart scrolls sideways inside its box)
    tip.style.left = (Math.min(px + 12, box.width - tip.offsetWidth - 4) + chartBox.scrollLeft) + "px";
    tip.style.top = Math.max(0, Math.min(py2 + 12, box.height - tip.offsetHeight - 4)) + "px";
  }
  function svgX(ev) { const r = chart.getBoundingClientRect(); return (ev.clientX - r.left) / r.width * W; }
  chart.addEventListener("mousemove", (ev) => {
    const r = chartBox.getBoundingClientRect(); showAt(T(svgX(ev)), ev.clientX - r.left, ev.clientY - r.top);
  });
  chart.addEventListener("mouseleave", () => { tip.style.display = "none"; cursor.setAttribute("visibility", "hidden"); });
  chart.addEventListener("click", (ev) => seek(T(svgX(ev)), true));
  chart.addEventListener("keydown", (ev) => {
    const stepS = Math.max(1, dur / 100);
    if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
      const t = Math.min(dur, Math.max(0, cursorT + (ev.key === "ArrowRight" ? stepS : -stepS)));
      showAt(t, chart.getBoundingClientRect().width * X(t) / W, 10); ev.preventDefault();
    } else if (ev.key === "Enter") { seek(cursorT, true); }
  });
  const chartBox = el("div", {class: "chart"}, chart, tip);
  const legend = el("p", {class: "legend small muted"},
    el("span", {}, el("i", {style: "background:#e3f4e8"}), "recommended pace " + lo + "–" + hi + " wpm"),
    el("span", {}, el("i", {style: "background:#d9ccff"}), "pause"), el("span", {}, el("i", {style: "background:#9b7cf0"}), "long pause"),
    el("span", {}, el("i", {style: "background:#e39b00;border-radius:50%"}), "filler"),
    el("span", {}, el("i", {style: "background:" + MAJOR}), "major moment"), el("span", {}, el("i", {style: "background:" + MINOR}), "minor moment"),
    el("span", {}, el("i", {style: "background:#7a3fd0"}), "pitch (semitones from your median)"),
    el("span", {}, el("i", {style: "background:#0f7b8a"}), "loudness"),
    face ? el("span", {}, el("i", {style: "background:#1f7a3a"}), "eye contact") : null,
    face ? el("span", {}, el("i", {style: "background:" + SMILE}), "smile") : null);
  app.append(el("section", {id: "timeline", "aria-label": "Timeline"}, el("h2", {text: "Timeline", style: "margin-top:0"}),
    el("p", {class: "muted small no-print", text: "Hover or tap for values; click to play from there." +
      (window.innerWidth < 760 ? " Scroll the chart sideways to see all of it." : "")}), chartBox, legend));

  /* ---------- player and transcript ---------- */
  const marks = [];  // [start, end, kind]
  const lang = D.language || {};
  for (const f of lang.hedges || []) marks.push([f.start, f.end, "hedge"]);
  for (const f of lang.repetitions || []) marks.push([f.start, f.end, "repetition"]);
  const tx = el("div", {class: "transcript", id: "transcript", tabindex: "-1", "aria-label": "Transcript"});
  const pauses = (v.pauses || []).slice().sort((a, b) => a.start - b.start);
  const spans = [];
  let pk = 0;
  words.forEach((w, i) => {
    while (pk < pauses.length && pauses[pk].end <= w.start + 0.05) {
      const p = pauses[pk++];
      if (p.duration >= 0.5) tx.append(el("span", {class: "pause" + (p.long ? " long" : ""), title: "pause at " + clock(p.start),
        text: p.duration.toFixed(1) + " s"}), " ");
    }
    const cls = ["w"];
    if (w.filler) cls.push("filler");
    if (w.source === "recovered") cls.push("heard");
    for (const [a, b, k] of marks) if (w.start < b && w.end > a && !w.filler) cls.push(k);
    const s = el("span", {class: cls.join(" "), tabindex: "0", role: "button", "data-start": w.start,
      title: clock(w.start) + (w.filler ? " · filler: " + w.filler_kind : "") +
        (w.source === "recovered" ? " · found in the sound, not written by the recogniser: listen to check" : "") +
        " · confidence " + w.confidence.toFixed(2),
      text: w.text});
    s.addEventListener("click", () => seek(w.start, true));
    s.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { seek(w.start, true); ev.preventDefault(); } });
    spans.push(s); tx.append(s, " ");
  });
  if (!words.length) tx.append(el("p", {class: "muted", text: "No words were recognised."}));
  let current = -1;
  function follow(t) {
    let lo2 = 0, hi2 = words.length - 1, k = -1;
    while (lo2 <= hi2) { const mid = (lo2 + hi2) >> 1; if (words[mid].start <= t + 0.02) { k = mid; lo2 = mid + 1; } else hi2 = mid - 1; }
    if (k >= 0 && t > words[k].end + 0.6) k = -1;
    if (k === current) return;
    if (current >= 0) spans[current].classList.remove("now");
    current = k;
    if (k >= 0) {
      spans[k].classList.add("now");
      const r = spans[k].getBoundingClientRect(), box = tx.getBoundingClientRect();
      if (!player.paused && (r.top < box.top || r.bottom > box.bottom)) tx.scrollTop += r.top - box.top - box.height / 3;
    }
  }
  const legend2 = el("p", {class: "legend small muted"}, el("span", {}, el("i", {style: "background:var(--filler)"}), "filler"),
    el("span", {}, el("i", {style: "background:var(--filler);border:1px dashed var(--warn)"}), "filler found in the sound"),
    el("span", {}, el("i", {style: "background:var(--hedge)"}), "hedge"), el("span", {}, el("i", {style: "background:var(--repeat)"}), "repetition"),
    el("span", {}, el("i", {style: "background:var(--pause)"}), "pause ≥ 0.5 s"), el("span", {text: "Click a word to play from there."}));
  app.append(el("section", {id: "player-transcript", "aria-label": "Transcript"},
    el("h2", {text: "Read along", style: "margin-top:0"}),
    legend2, tx));

  /* The player follows the listener: when a moment, word or chart plays it while its place is off screen, it floats
     in a corner (across the bottom on a phone) until its place is seen again or it is closed. */
  const box = player.parentElement;
  const unfloat = el("button", {type: "button", class: "unfloat", "aria-label": "Put the player back", text: "×"});
  box.append(unfloat);
  let engaged = false, slotSeen = true;
  function place() {
    const float = engaged && !slotSeen;
    if (float === box.classList.contains("floating")) return;
    slot.style.minHeight = float ? slot.offsetHeight + "px" : "";
    box.classList.toggle("floating", float);
  }
  unfloat.addEventListener("click", () => { engaged = false; place(); });
  player.addEventListener("play", () => { engaged = true; place(); });
  player.addEventListener("ended", () => { engaged = false; place(); });
  if ("IntersectionObserver" in window) {
    // seen means seen whole: a player cut off at the edge of the screen (its controls out of reach) floats too
    new IntersectionObserver((es) => { slotSeen = es[es.length - 1].intersectionRatio >= 0.98; place(); },
      {threshold: [0, 0.5, 0.98, 1]}).observe(slot);
  }
  onSeek = (play) => { if (play) { engaged = true; place(); } };

  /* ---------- moments ---------- */
  // by impact (major first, then the weaker dimension, then time) or by time; j/k and the list use the time order
  const byTime = ((fb && fb.moments) || []).slice().sort((a, b) => a.start - b.start || a.end - b.end);
  if (fb) {
    const scoreOf = {};
    for (const d of fb.dimensions || []) scoreOf[d.dimension] = d.score === null ? 100 : d.score;
    const byImpact = byTime.slice().sort((a, b) => (a.severity === "major" ? 0 : 1) - (b.severity === "major" ? 0 : 1) ||
      (scoreOf[a.dimension] ?? 100) - (scoreOf[b.dimension] ?? 100) || a.start - b.start);
    const ul = el("ul", {class: "moments", id: "moment-list"});
    // a moment that groups events (a cluster of fillers, of hedges) lists each, playable on its own
    function events(m) {
      let found = [];
      if (m.kind === "filler_cluster") {
        for (const w of words) {
          if (!w.filler || w.start < m.start - 0.05 || w.start > m.end + 0.05) continue;
          const last = found[found.length - 1], text = w.text.replace(/[^\w' ]/g, "");
          // the words of a two-word filler ("you know") are one event
          if (last && last.kind === w.filler_kind && / /.test(w.filler_kind || "") && w.start - last[1] < 0.5) {
            last[1] = w.end; last[2] += " " + text;
          } else { const e = [w.start, w.end, text]; e.kind = w.filler_kind; found.push(e); }
        }
      }
      else if (m.kind === "read_slide") {  // each stretch read from the slide
        for (const u of (D.slides || {}).slides || []) for (const r of u.reading || [])
          if (r.start >= m.start - 0.05 && r.end <= m.end + 0.05) found.push([r.start, r.end, "“" + r.text.split(" ").slice(0, 4).join(" ") + " …”"]);
      }
      else if (m.kind === "hedges") found = ((D.language || {}).hedges || []).filter((f) => f.start >= m.start - 0.05 && f.start <= m.end + 0.05)
        .map((f) => [f.start, f.end, f.text]);
      if (found.length < 2) return null;
      return el("p", {class: "events"}, ...found.map(([a, b, text]) => el("button", {type: "button", class: "at", "data-start": a,
        "aria-label": "Play “" + text + "” at " + clock(a), onclick: () => seek(Math.max(0, a - 0.4), true, b + 0.4),
        text: "▶ " + text + " " + clock(a)})));
    }
    function list(order) {
      ul.replaceChildren();
      for (const m of order) {
        ul.append(el("li", {}, el("button", {type: "button", class: "moment", "data-start": m.start, "data-end": m.end,
          "aria-label": "Play " + clock(m.start) + " to " + clock(m.end) + ": " + m.evidence,
          onclick: () => seek(m.start, true, m.end + 0.3)},
        el("span", {}, el("b", {text: clock(m.start) + "–" + clock(m.end)}), el("br"), el("span", {class: "sev " + m.severity, text: m.severity})),
        el("span", {}, el("span", {text: m.evidence}), el("br"), el("span", {class: "muted", text: tryThis(m.tip)}))),
        events(m)));
      }
      if (!order.length) ul.append(el("li", {class: "muted", text: "No moment stood out."}));
    }
    const orders = el("p", {class: "orders no-print", role: "group", "aria-label": "Order the moments"});
    for (const [key, label, order] of [["impact", "Most important first", byImpact], ["time", "In time order", byTime]]) {
      const b = el("button", {type: "button", "data-order": key, "aria-pressed": key === "impact" ? "true" : "false", text: label,
        onclick: () => { list(order); for (const x of orders.children) x.setAttribute("aria-pressed", String(x === b)); }});
      orders.append(b);
    }
    list(byImpact);
    app.append(el("section", {id: "moments", "aria-label": "Moments"}, el("h2", {text: "Moments", style: "margin-top:0"}),
      orders, el("p", {class: "muted small no-print", text: "Click a moment to play that stretch. Keys: space plays or pauses, " +
        "j and k go to the next and previous moment, f to the next filler."}), ul));
  }

  /* ---------- keys: space, j/k (next/previous moment), f (next filler) ---------- */
  const fillerStarts = words.filter((w) => w.filler).map((w) => w.start);
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target, tag = (t && t.tagName) || "";
    if (/^(INPUT|TEXTAREA|SELECT|BUTTON|VIDEO|AUDIO)$/.test(tag) || (t && t.getAttribute && t.getAttribute("role") === "button")) return;
    const now = player.currentTime;
    if (ev.key === " ") { if (player.paused) { const p = player.play(); if (p && p.catch) p.catch(() => {}); } else player.pause(); }
    else if (ev.key === "j") { const m = byTime.find((x) => x.start > now + 0.05); if (m) seek(m.start, true, m.end + 0.3); }
    else if (ev.key === "k") { const m = byTime.filter((x) => x.start < now - 1).pop(); if (m) seek(m.start, true, m.end + 0.3); }
    else if (ev.key === "f") { const f = fillerStarts.find((x) => x > now + 0.05); if (f !== undefined) seek(f, true); }
    else return;
    ev.preventDefault();
  });

  /* ---------- details ---------- */
  const rows = [];
  const fmt = (x, d, u) => (x === null || x === undefined) ? "–" : Number(x).toFixed(d) + (u || "");
  // the Flesch-Kincaid formula goes below 0 for very short, plain sentences; a school grade does not
  const grade = (g) => (g === null || g === undefined) ? "–" : g < 1 ? "under 1" : Number(g).toFixed(1);
  // the reading-ease formula leaves its 0-100 scale for very long or very short words and sentences
  const ease = (e) => (e === null || e === undefined) ? "–" : String(Math.round(Math.min(100, Math.max(0, e))));
  if (D.voice) {
    rows.push(["Pace while speaking", fmt(v.wpm, 0, " wpm")], ["Pace over the whole recording", fmt(v.wpm_overall, 0, " wpm")],
      ["Articulation rate", fmt(v.articulation_wpm, 0, " wpm")], ["Pauses ≥ 0.25 s / long", (v.pauses || []).length + " / " + (v.long_pauses || []).length],
      ["Median pitch", fmt(v.pitch.median_hz, 0, " Hz")], ["Pitch spread / range", fmt(v.pitch.variation_st, 1, " st") + " / " + fmt(v.pitch.range_st, 1, " st")],
      ["Loudness median / spread", fmt(v.loudness.median_dbfs, 1, " dBFS") + " / " + fmt(v.loudness.variation_db, 1, " dB")]);
  }
  if (D.language && !lang.skipped_reason) {
    const f = lang.fillers;
    const kinds = Object.entries(f.by_word).map(([k, n]) => k + " " + n).join(", ");
    rows.push(["Fillers", f.count + (kinds ? " (" + kinds + ")" : "")],
      ["Hedges / restarts", (lang.hedges || []).length + " / " + (lang.repetitions || []).length],
      ["Reading ease (Flesch, 0-100) / grade", ease(lang.readability.flesch_reading_ease) + " / " + grade(lang.readability.fk_grade)],
      ["Words per sentence", fmt(lang.readability.words_per_sentence, 1)], ["Vocabulary diversity (MATTR)", fmt(lang.vocabulary.mattr, 2)],
      ["Sentiment (−1 to 1)", fmt(lang.sentiment.compound, 2)], ["Questions to the audience", String((lang.questions || []).length)],
      ["Key phrases", (lang.key_phrases || []).map((k) => k.text).join(", ") || "–"],
      ["Sensitive phrases", (lang.sensitive || []).map((s) => "“" + s.text + "” → " + s.suggestion).join("; ") || "none"]);
  }
  const fc = D.face;
  if (fc && !fc.skipped_reason) {
    rows.push(["Face visible", fmt(100 * fc.present_ratio, 0, " %")],
      ["Eye contact (approximate)", fmt(100 * fc.eye_contact_ratio, 0, " % of the visible time")],
      ["Smiling", fmt(100 * fc.smile_ratio, 0, " % of the visible time")], ["Blinks seen", fmt(fc.blink_per_min, 0, " a minute")],
      ["Head pose (median yaw / pitch)", fmt(fc.head_pose.yaw_median, 0, "°") + " / " + fmt(fc.head_pose.pitch_median, 0, "°")],
      ["Light on the face (luma 0-255)", fmt(fc.lighting.brightness, 0)]);
    if (Object.keys(fc.expressions || {}).length) rows.push(["Apparent expressions (not feelings)",
      Object.entries(fc.expressions).map(([k, x]) => k + " " + Math.round(100 * x) + " %").join(", ")]);
  } else if (fc && fc.skipped_reason && fc.skipped_reason !== "no video") rows.push(["Face", fc.skipped_reason]);
  const table = el("table", {});
  for (const [k, val] of rows) table.append(el("tr", {}, el("th", {scope: "row", text: k}), el("td", {text: val})));
  app.append(el("section", {id: "details", "aria-label": "Details"}, el("h2", {text: "Details", style: "margin-top:0"}), table,
    el("p", {class: "muted small", text: "Also in this folder: report.json (everything above, versioned), metrics.csv, transcript.srt and transcript.vtt."})));
  // report.html#t=12.5 opens at that moment (the web app links its moments so), on load or when the link changes
  function deepLink() {
    const deep = /^#t=([0-9.]+)$/.exec(window.location.hash);
    if (!deep) return;
    const go = () => seek(Number(deep[1]), false);
    if (player.readyState >= 1) go(); else player.addEventListener("loadedmetadata", go, {once: true});
  }
  deepLink();
  window.addEventListener("hashchange", deepLink);
  document.documentElement.setAttribute("data-ready", "1");
})();
