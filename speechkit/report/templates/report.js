"use strict";
(() => {
  const player = document.getElementById("player");
  const segs = Array.from(document.querySelectorAll(".seg"));
  const starts = segs.map((s) => +s.dataset.start);
  const doc = JSON.parse(document.getElementById("doc").textContent);
  const key = "speechkit-names:" + document.title;
  let names = {};
  try { names = JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { names = {}; }

  // Seek: every element with data-start, one delegated listener (stays light on 3-hour pages).
  function seek(t) { if (player) { player.currentTime = t; } mark(t); }
  document.addEventListener("click", (e) => {
    const el = e.target.closest("[data-start]");
    if (el && !el.closest("#timeline")) { seek(+el.dataset.start); }
  });
  const timeline = document.getElementById("timeline");
  const playhead = document.getElementById("playhead");
  if (timeline) {
    const duration = +timeline.dataset.duration || 1;
    timeline.addEventListener("click", (e) => {
      const track = e.target.closest(".lane-track");
      if (!track) { return; }
      const r = track.getBoundingClientRect();
      seek(Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)) * duration);
    });
    const track = timeline.querySelector(".lane-track");
    // Clamped: the file may run past the duration the page was timed by; the head stays on the track.
    const move = (t) => {
      if (!track) { return; }
      const at = Math.max(0, Math.min(1, t / duration));
      playhead.style.left = (track.offsetLeft + (track.offsetWidth - playhead.offsetWidth) * at) + "px";
    };
    if (player) { player.addEventListener("timeupdate", () => move(player.currentTime)); }
    document.addEventListener("speechkit:time", (e) => move(e.detail));
    move(0);
  }

  // The segment being played: binary search over the sorted starts.
  let current = null;
  function mark(t) {
    let lo = 0, hi = starts.length - 1, at = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (starts[mid] <= t + 1e-3) { at = mid; lo = mid + 1; } else { hi = mid - 1; } }
    const seg = at >= 0 ? segs[at] : null;
    document.dispatchEvent(new CustomEvent("speechkit:time", { detail: t }));
    if (seg === current) { return; }
    if (current) { current.classList.remove("now"); }
    current = seg;
    if (seg) { seg.classList.add("now"); seg.scrollIntoView({ block: "nearest" }); }
  }
  if (player) { player.addEventListener("timeupdate", () => mark(player.currentTime)); }

  // Keyboard: space plays/pauses, arrows step segments.
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, select, textarea, button")) { return; }
    if (e.key === " " && player) { e.preventDefault(); if (player.paused) { player.play(); } else { player.pause(); } }
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const i = current ? segs.indexOf(current) : -1;
      const next = segs[Math.max(0, Math.min(segs.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)))];
      if (next) { seek(+next.dataset.start); }
    }
  });

  // Search and speaker filter.
  const search = document.getElementById("search");
  const hits = document.getElementById("hits");
  const filter = document.getElementById("speaker-filter");
  const plain = segs.map((s) => s.querySelector("p").innerHTML);
  const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  function apply() {
    const q = search.value.trim();
    const who = filter ? filter.value : "";
    const re = q ? new RegExp(escapeRe(q.replace(/[<>&]/g, "")), "gi") : null;
    let count = 0;
    segs.forEach((s, i) => {
      const p = s.querySelector("p");
      const text = p.textContent;
      const n = re ? (text.match(re) || []).length : 0;
      const show = (!who || s.dataset.speaker === who) && (!re || n > 0);
      s.hidden = !show;
      if (show) { count += n; }
      if (re && n) { p.innerHTML = plain[i].replace(/(^|>)([^<]+)/g, (m, a, b) => a + b.replace(re, (x) => "<mark>" + x + "</mark>")); }
      else if (p.innerHTML !== plain[i]) { p.innerHTML = plain[i]; }
    });
    hits.textContent = re ? count + (count === 1 ? " hit" : " hits") : "";
  }
  search.addEventListener("input", apply);
  if (filter) { filter.addEventListener("change", apply); }

  // Renaming: every [data-speaker] badge, the filter's options and the timeline take the new name;
  // a cleared name falls back to the document's own (speechkit export --speaker-names), then the id.
  const given = {};
  (doc.speakers || []).forEach((s) => { if (s.name) { given[s.id] = s.name; } });
  const nameOf = (id) => (id && (names[id] || given[id])) || id;
  function rename(id, name) {
    names[id] = name;
    document.querySelectorAll('.badge[data-speaker="' + CSS.escape(id) + '"]').forEach((b) => { b.textContent = nameOf(id); });
    if (filter) { Array.from(filter.options).forEach((o) => { if (o.value === id) { o.textContent = nameOf(id); } }); }
    document.querySelectorAll('.rename[data-speaker="' + CSS.escape(id) + '"]').forEach((i) => { if (i.value !== name) { i.value = name; } });
  }
  document.querySelectorAll(".rename").forEach((input) => {
    input.addEventListener("input", () => {
      rename(input.dataset.speaker, input.value);
      localStorage.setItem(key, JSON.stringify(names));
    });
  });
  Object.entries(names).forEach(([id, name]) => rename(id, name));

  // Downloads of the renamed document and its SRT.
  function renamed() {
    const out = JSON.parse(JSON.stringify(doc));
    out.speakers = out.speakers || [];
    Object.entries(names).forEach(([id, name]) => {
      if (!name) { return; }
      const known = out.speakers.find((s) => s.id === id);
      if (known) { known.name = name; } else { out.speakers.push({ id, name }); }
    });
    return out;
  }
  const stamp = (t) => { const ms = Math.round(t * 1000); const p = (n, w) => String(n).padStart(w, "0");
    return p(Math.floor(ms / 3600000), 2) + ":" + p(Math.floor(ms / 60000) % 60, 2) + ":" + p(Math.floor(ms / 1000) % 60, 2) + "," + p(ms % 1000, 3); };
  function srt() {
    return (doc.segments || []).map((s, i) => (i + 1) + "\n" + stamp(s.start) + " --> " + stamp(s.end) + "\n"
      + (s.speaker ? "[" + nameOf(s.speaker) + "] " : "") + s.text.trim() + "\n").join("\n");
  }
  function download(name, type, text) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type }));
    a.download = name; document.body.appendChild(a); a.click(); a.remove();
  }
  const base = document.title.replace(/\.[^.]*$/, "") || "transcript";
  const dj = document.getElementById("download-json");
  const ds = document.getElementById("download-srt");
  if (dj) { dj.addEventListener("click", () => download(base + ".json", "application/json", JSON.stringify(renamed(), null, 2))); }
  if (ds) { ds.addEventListener("click", () => download(base + ".srt", "application/x-subrip", srt())); }
  window.speechkitReady = true;
})();
