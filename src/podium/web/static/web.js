// Podium's pages: upload with progress, live job status, confirmations. No inline script (the CSP forbids it).
(function () {
  "use strict";

  function uploadForm() {
    const form = document.getElementById("upload");
    if (!form) return;
    const input = document.getElementById("file");
    const bar = document.getElementById("upload-progress");
    const status = document.getElementById("upload-status");
    const maxMb = Number(form.dataset.maxMb);
    const deckInput = document.getElementById("deck");
    function fail(text) {
      bar.hidden = true;
      status.className = "error";
      status.textContent = text;
    }
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const file = input.files[0];
      if (!file) return;
      if (file.size > maxMb * 1024 * 1024) {
        status.textContent = "“" + file.name + "” is larger than the " + maxMb + " MB this server accepts.";
        status.className = "error";
        return;
      }
      // the slides first: the server reads them and answers a token the recording's upload names
      const deckFile = deckInput && deckInput.files[0];
      let deck = null;
      if (deckFile) {
        status.className = "hint";
        status.textContent = "Reading the slides " + deckFile.name + "…";
        try {
          const r = await fetch("/decks", {method: "POST", body: deckFile, headers: {"X-CSRF-Token": form.dataset.csrf,
            "X-Filename": encodeURIComponent(deckFile.name), Accept: "application/json"}});
          const body = await r.json().catch(() => ({}));
          if (r.status !== 201) { fail(body.error || ("The slides could not be uploaded (" + r.status + ").")); return; }
          deck = body;
        } catch (e) {
          fail("The upload was interrupted (the connection dropped). Nothing was kept; try again.");
          return;
        }
      }
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/recordings");
      xhr.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
      xhr.setRequestHeader("X-Filename", encodeURIComponent(file.name));
      const talk = form.querySelector("#talk");
      if (talk && talk.value.trim()) xhr.setRequestHeader("X-Talk", encodeURIComponent(talk.value.trim()));
      if (deck) {
        xhr.setRequestHeader("X-Deck", deck.deck);
        xhr.setRequestHeader("X-Deck-Name", encodeURIComponent(deck.title));
      }
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) { bar.value = e.loaded / e.total; }
        status.textContent = e.loaded < e.total ? "Uploading " + file.name + "…" : "Checking the recording…";
      });
      xhr.addEventListener("load", () => {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status === 201) { window.location.href = body.url; return; }
        bar.hidden = true;
        status.className = "error";
        status.textContent = body.error || ("The upload failed (" + xhr.status + ").");
      });
      xhr.addEventListener("error", () => {
        bar.hidden = true;
        status.className = "error";
        status.textContent = "The upload was interrupted (the connection dropped). Nothing was kept; try again.";
      });
      bar.hidden = false;
      bar.value = 0;
      status.className = "hint";
      status.textContent = "Uploading " + file.name + "…";
      xhr.send(file);
    });
  }

  function followJob() {
    const box = document.getElementById("job");
    if (!box || !["queued", "running"].includes(box.dataset.status)) return;
    const status = document.getElementById("status");
    const bar = document.getElementById("progress");
    const stage = document.getElementById("stage");
    const labels = {waiting: "starting", media: "decoding", speech: "transcribing", voice: "measuring the voice",
      face: "watching the face", coach: "writing the feedback", report: "writing the report"};
    async function tick() {
      try {
        const r = await fetch(box.dataset.json, {headers: {Accept: "application/json"}});
        if (r.ok) {
          const j = (await r.json()).recording;
          // finished: the page comes back from the server with the scores, or the error and a retry button
          if (j.status === "done" || j.status === "failed") { window.location.reload(); return; }
          status.textContent = j.status;
          status.className = "status " + j.status;
          if (j.status === "running") {
            bar.value = j.progress || 0;
            stage.textContent = (labels[j.stage] || j.stage || "") + " · " + Math.round(100 * (j.progress || 0)) + "%";
          } else if (j.status === "queued") {
            stage.textContent = j.note ? j.note + "; waiting for a free worker" : "waiting for a free worker";
          }
        }
      } catch (e) { /* the server restarts: keep asking */ }
      setTimeout(tick, 1000);
    }
    setTimeout(tick, 1000);
  }

  function pollList() {
    // while something is queued or running, redraw the list's rows in place every few seconds (never the whole
    // page: that would lose a file being chosen, or cut short an upload in progress)
    const table = document.querySelector("table[data-poll]");
    if (!table || Number(table.dataset.poll) <= 0) return;
    async function tick() {
      try {
        const r = await fetch(window.location.pathname + window.location.search, {headers: {Accept: "text/html"}});
        const fresh = r.ok && new DOMParser().parseFromString(await r.text(), "text/html").querySelector("table[data-poll]");
        if (fresh) {
          const rows = document.importNode(fresh.tBodies[0], true);
          table.tBodies[0].replaceWith(rows);
          table.dataset.poll = fresh.dataset.poll;
          localTimes(rows);
        }
      } catch (e) { /* the server restarts: keep asking */ }
      if (Number(table.dataset.poll) > 0) setTimeout(tick, 3000);
    }
    setTimeout(tick, 3000);
  }

  function confirmations() {
    for (const form of document.querySelectorAll("form.confirm")) {
      form.addEventListener("submit", (ev) => { if (!window.confirm(form.dataset.confirm)) ev.preventDefault(); });
    }
  }

  function localTimes(root) {
    // the server writes UTC; show each time in the reader's zone, the UTC one kept as a tooltip
    const fmt = new Intl.DateTimeFormat(undefined, {dateStyle: "medium", timeStyle: "short"});
    for (const el of (root || document).querySelectorAll("time[datetime]")) {
      const t = new Date(el.getAttribute("datetime"));
      if (isNaN(t)) continue;
      el.title = el.textContent;
      el.textContent = fmt.format(t);
    }
  }

  localTimes();
  uploadForm();
  followJob();
  pollList();
  confirmations();
})();
