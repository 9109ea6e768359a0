// Viva's small amount of browser code: errors from HTMX requests, math, keyboard shortcuts,
// the interview's countdown and the question read aloud. No inline scripts (see the CSP).
(function () {
  "use strict";

  function renderMath(root) {
    if (!window.katex) return;
    root.querySelectorAll(".math").forEach(function (el) {
      if (el.dataset.rendered) return;
      try {
        window.katex.render(el.textContent, el, {
          displayMode: el.classList.contains("block"), throwOnError: false, output: "html",
        });
        el.dataset.rendered = "1";
      } catch (e) { /* leave the TeX source visible */ }
    });
    // key points and feedback are plain text that may hold $...$: typeset those too
    if (window.renderMathInElement) {
      root.querySelectorAll(".points, .key-points, .feedback, .turns, .compare-text").forEach(function (el) {
        window.renderMathInElement(el, {
          delimiters: [{left: "$$", right: "$$", display: true}, {left: "$", right: "$", display: false}],
          throwOnError: false,
        });
      });
    }
  }

  // Errors come back as an HTML fragment with the right status: show it instead of nothing.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr.status >= 400) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
      var flash = document.getElementById("flash");
      if (flash) { evt.detail.target = flash; }
    } else {
      var flashBox = document.getElementById("flash");
      if (flashBox) flashBox.innerHTML = "";
    }
  });
  document.addEventListener("htmx:sendError", function () {
    var flash = document.getElementById("flash");
    if (flash) flash.innerHTML = '<div class="alert error" role="alert">' +
      (document.body.dataset.lang === "en" ? "The Viva server is not answering." : "无法连接 Viva 服务器。") + "</div>";
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    renderMath(evt.detail.target || document);
    var section = document.getElementById("drill-section");
    document.querySelectorAll("[data-section]").forEach(function (el) {
      if (section) el.value = section.value;
    });
    var answer = document.getElementById("answer");
    if (evt.detail.target && evt.detail.target.id === "drill" && answer) answer.focus();
    if (evt.detail.target && evt.detail.target.id === "grade") {
      var suggested = document.querySelector(".ratings .suggested");
      if (suggested) suggested.focus();
    }
  });

  // The answer beside the reference: pointing at a marked key point shows it on both sides.
  function linkPoints(evt, on) {
    var mark = evt.target.closest && evt.target.closest("mark.kp[data-points]");
    if (!mark) return;
    var box = mark.closest(".compare");
    if (!box) return;
    var numbers = mark.dataset.points.split(" ");
    box.querySelectorAll("mark.kp[data-points]").forEach(function (other) {
      var shared = other.dataset.points.split(" ").some(function (n) { return numbers.indexOf(n) >= 0; });
      if (shared) other.classList.toggle("linked", on);
    });
  }
  document.addEventListener("mouseover", function (evt) { linkPoints(evt, true); });
  document.addEventListener("mouseout", function (evt) { linkPoints(evt, false); });

  // Keyboard: Ctrl/Cmd+Enter grades; with a grade shown, 1-4 rate and Enter accepts.
  document.addEventListener("keydown", function (evt) {
    var form = document.getElementById("answer-form");
    if ((evt.ctrlKey || evt.metaKey) && evt.key === "Enter" && form) {
      evt.preventDefault();
      submitForm(form);
      return;
    }
    var typing = evt.target && /^(TEXTAREA|INPUT|SELECT)$/.test(evt.target.tagName);
    if (typing || evt.ctrlKey || evt.metaKey || evt.altKey) return;
    var ratings = document.querySelector(".ratings");
    if (!ratings) return;
    if (/^[1-4]$/.test(evt.key)) {
      var button = ratings.querySelector('[data-rating="' + evt.key + '"]');
      if (button) { evt.preventDefault(); button.click(); }
    }
  });

  // Key point rows (question page, after a grade, new question): add one, remove one.
  document.addEventListener("click", function (evt) {
    var target = evt.target instanceof Element ? evt.target : null;
    if (!target) return;
    var remove = target.closest("[data-remove-point]");
    if (remove) {
      var row = remove.closest(".kp-row");
      var rows = row && row.parentElement;
      if (!row || !rows) return;
      if (rows.querySelectorAll(".kp-row").length > 1) row.remove();
      else row.querySelector("input").value = "";
      return;
    }
    var add = target.closest("[data-add-point]");
    if (add) {
      var box = add.parentElement.querySelector("[data-kp-rows]");
      var last = box && box.querySelector(".kp-row:last-child");
      if (!last) return;
      var copy = last.cloneNode(true);
      var input = copy.querySelector("input");
      input.value = "";
      input.removeAttribute("data-testid");
      box.appendChild(copy);
      input.focus();
    }
  });

  function submitForm(form) {
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  // --- the question read aloud (the browser's own speech synthesis) ----------------------
  var muted = localStorage.getItem("viva-mute") === "1";

  function voiceFor(lang) {
    var voices = window.speechSynthesis ? window.speechSynthesis.getVoices() : [];
    var wanted = lang === "en" ? "en" : "zh";
    return voices.find(function (v) { return v.lang.toLowerCase().indexOf(wanted) === 0; }) || null;
  }

  function speak(el) {
    if (muted || !el) return;
    var lang = el.dataset.lang === "en" ? "en" : "zh";
    var text = el.textContent.trim();
    var voice = voiceFor(lang);
    if (window.speechSynthesis && voice) {
      window.speechSynthesis.cancel();
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang === "en" ? "en-US" : "zh-CN";
      utterance.voice = voice;
      window.speechSynthesis.speak(utterance);
    } else if ((document.body.dataset.tts || "").split(" ").indexOf(lang) >= 0) {
      // no browser voice for the language: the server synthesises a WAV
      var audio = new Audio("/api/speech/say?lang=" + lang + "&text=" + encodeURIComponent(text));
      audio.play().catch(function () { /* autoplay refused: the button can replay */ });
    }
  }

  function setupSpeech() {
    var prompt = document.querySelector("[data-speak]");
    var toggle = document.querySelector("[data-tts-toggle]");
    if (toggle) {
      var label = function () { toggle.textContent = muted ? toggle.dataset.labelUnmute : toggle.dataset.labelMute; };
      label();
      toggle.addEventListener("click", function () {
        muted = !muted;
        localStorage.setItem("viva-mute", muted ? "1" : "0");
        if (muted && window.speechSynthesis) window.speechSynthesis.cancel();
        label();
        if (!muted) speak(prompt);
      });
    }
    var again = document.querySelector("[data-speak-again]");
    if (again) again.addEventListener("click", function () {
      var was = muted; muted = false; speak(prompt); muted = was;
    });
    if (!prompt) return;
    if (window.speechSynthesis && window.speechSynthesis.getVoices().length === 0) {
      window.speechSynthesis.addEventListener("voiceschanged", function once() {
        window.speechSynthesis.removeEventListener("voiceschanged", once);
        speak(prompt);
      });
      setTimeout(function () { speak(prompt); }, 800);  // some browsers never fire the event
    } else {
      speak(prompt);
    }
  }

  // --- the interview's countdown --------------------------------------------------------
  // The deadline lives on the server: the page is given the seconds left when it was sent and
  // counts them down, so a reload carries on where the clock was. At zero it says "time's up"
  // for a moment, then hands in what was written (a recording is transcribed first).
  var TIME_UP_PAUSE = 1500;
  function setupTimer() {
    var timer = document.querySelector("[data-timer]");
    var form = document.querySelector("form[data-interview]");
    if (!timer || !form) return;
    var seconds = parseFloat(timer.dataset.timer);
    var loaded = Date.now();
    var used = form.querySelector("[data-seconds-used]");
    var submitted = false;
    form.addEventListener("htmx:configRequest", function (evt) {
      evt.detail.parameters.seconds_used = ((Date.now() - loaded) / 1000).toFixed(1);
      submitted = true;
    });
    var show = function () {
      var left = Math.max(0, Math.ceil(seconds - (Date.now() - loaded) / 1000));
      timer.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      timer.classList.toggle("low", left <= 15);
      if (used) used.value = ((Date.now() - loaded) / 1000).toFixed(1);
      return left;
    };
    var tick = setInterval(function () {
      if (show() > 0) return;
      clearInterval(tick);
      if (submitted) return;
      var notice = form.querySelector("[data-time-up]");
      if (notice) notice.hidden = false;
      form.querySelectorAll("textarea, button[type=submit]").forEach(function (el) { el.readOnly = true; });
      form.dispatchEvent(new CustomEvent("viva:timeup"));
      setTimeout(function () {
        if (!form.dataset.recording && !submitted) submitForm(form);  // else: once transcribed
      }, TIME_UP_PAUSE);
    }, 250);
    show();
  }

  function setupPrint() {
    var button = document.querySelector("[data-print]");
    if (button) button.addEventListener("click", function () { window.print(); });
  }

  // --- a spoken answer: record in the browser, transcribe on the server, edit, then grade --
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function showDelivery(box, delivery) {
    var template = document.getElementById("delivery-template");
    if (!box || !template) return;
    var panel = template.content.firstElementChild.cloneNode(true);
    var slot = function (name) { return panel.querySelector('[data-slot="' + name + '"]'); };
    var seconds = function (s) { return s.toFixed(1) + " s"; };
    slot("duration").textContent = seconds(delivery.duration);
    slot("rate").textContent = Math.round(delivery.rate);
    var unit = slot("unit");
    unit.textContent = delivery.rate_unit === "words" ? unit.dataset.words : unit.dataset.chars;
    var pauses = slot("pauses");
    pauses.textContent = delivery.pauses.length +
      (delivery.pauses.length ? " (" + pauses.dataset.longest + " " + seconds(delivery.longest_pause) + ")" : "");
    var fillers = slot("fillers");
    var counts = Object.keys(delivery.filler_counts).map(function (word) {
      return word + " ×" + delivery.filler_counts[word];
    });
    fillers.textContent = counts.length ? counts.join("，") : fillers.dataset.none;
    slot("over").textContent = delivery.time_limit ? seconds(delivery.over_limit) : "—";
    box.innerHTML = "";
    box.appendChild(panel);
  }

  // The server transcribes as a job: it answers 202 at once with the job, which is polled
  // until its result (the transcript) or its error is there.
  var POLL = 500;
  async function transcribed(data, onProgress) {
    var response = await fetch("/api/transcribe", {
      method: "POST", body: data,
      headers: {"X-CSRF-Token": csrfToken(), "Prefer": "respond-async"},
    });
    var body = await response.json();
    if (!response.ok) return body;
    if (response.status !== 202) return body;  // a server that answered at once
    var job = body;
    while (job.state !== "done" && job.state !== "failed") {
      onProgress(job);
      await new Promise(function (resolve) { setTimeout(resolve, POLL); });
      var polled = await fetch("/api/jobs/" + encodeURIComponent(job.id));
      job = await polled.json();
      if (!polled.ok) return job;
    }
    return job.state === "done" ? job.result : job.error;
  }

  function setupMic(root) {
    root.querySelectorAll("[data-mic]").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      var status = button.parentElement.querySelector("[data-mic-status]");
      var form = button.closest("form");
      var card = button.closest(".card") || document;
      var recorder = null;
      var chunks = [];
      var label = function (text, recording) {
        button.textContent = (recording ? "■ " : "● ") + text;
        button.classList.toggle("recording", recording);
      };
      var upload = async function (blob) {
        status.textContent = button.dataset.labelBusy;
        button.disabled = true;
        var data = new FormData();
        data.append("audio", blob, blob.type.indexOf("ogg") >= 0 ? "answer.ogg" : "answer.webm");
        if (button.dataset.question) data.append("question_id", button.dataset.question);
        if (button.dataset.interview) data.append("interview", button.dataset.interview);
        try {
          var body = await transcribed(data, function (job) {
            var p = job.progress;
            status.textContent = button.dataset.labelBusy +
              (p.total ? " " + Math.min(100, Math.round(100 * p.done / p.total)) + "%" : "");
          });
          if (body.error) {
            status.textContent = body.error + (body.hint ? " — " + body.hint : "");
            return;
          }
          var answer = form.querySelector("textarea");
          answer.value = body.transcript.text;
          answer.focus();
          var fixes = (body.transcript.corrections || []).map(function (c) {
            return c.heard + " → " + c.term;
          });
          status.textContent = button.dataset.labelEdit +
            (fixes.length ? " " + button.dataset.labelCorrected + fixes.join("，") : "");
          var link = form.querySelector("[data-recording-id]");
          if (link && body.recording_id) link.value = body.recording_id;
          showDelivery(card.querySelector("[data-delivery-box]"), body.delivery);
          if (form.dataset.submitAfterRecording) submitForm(form);
        } catch (e) {
          status.textContent = String(e);
        } finally {
          button.disabled = false;
          delete form.dataset.recording;
        }
      };
      button.addEventListener("click", async function () {
        if (recorder && recorder.state === "recording") { recorder.stop(); return; }
        var stream;
        try {
          stream = await navigator.mediaDevices.getUserMedia({audio: true});
        } catch (e) {
          status.textContent = button.dataset.labelDenied + " (" + e.name + ")";
          return;
        }
        chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.ondataavailable = function (evt) { if (evt.data.size) chunks.push(evt.data); };
        recorder.onstop = function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          label(button.dataset.labelRecord, false);
          upload(new Blob(chunks, {type: recorder.mimeType || "audio/webm"}));
        };
        recorder.start(250);
        form.dataset.recording = "1";
        label(button.dataset.labelStop, true);
        status.textContent = "";
      });
      // time is up while recording: stop, transcribe, then hand the answer in
      form.addEventListener("viva:timeup", function () {
        if (recorder && recorder.state === "recording") {
          form.dataset.submitAfterRecording = "1";
          recorder.stop();
        }
      });
    });
  }

  // File pickers show the chosen names in our own label (see _file_input.html).
  document.addEventListener("change", function (evt) {
    var input = evt.target;
    if (!input.matches || !input.matches(".file-pick input[type=file]")) return;
    var names = input.parentElement.querySelector(".file-names");
    if (!names) return;
    var files = input.files || [];
    if (files.length === 0) names.textContent = names.dataset.none;
    else if (files.length === 1) names.textContent = files[0].name;
    else names.textContent = names.dataset.many.replace("{n}", files.length);
    names.title = Array.prototype.map.call(files, function (f) { return f.name; }).join("\n");
  });

  document.addEventListener("htmx:afterSwap", function (evt) { setupMic(evt.detail.target || document); });
  document.addEventListener("DOMContentLoaded", function () {
    renderMath(document);
    setupSpeech();
    setupTimer();
    setupPrint();
    setupMic(document);
  });
  window.Viva = { renderMath: renderMath, speak: speak };
})();
