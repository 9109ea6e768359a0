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
      root.querySelectorAll(".points, .key-points, .feedback, .turns").forEach(function (el) {
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
    } else if (document.body.dataset.tts === "1") {
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
  function setupTimer() {
    var timer = document.querySelector("[data-timer]");
    var form = document.querySelector("form[data-interview]");
    if (!timer || !form) return;
    var seconds = parseInt(timer.dataset.timer, 10);
    var started = Date.now();
    var used = form.querySelector("[data-seconds-used]");
    var submitted = false;
    form.addEventListener("htmx:configRequest", function (evt) {
      evt.detail.parameters.seconds_used = ((Date.now() - started) / 1000).toFixed(1);
      submitted = true;
    });
    var tick = setInterval(function () {
      var left = Math.max(0, seconds - Math.floor((Date.now() - started) / 1000));
      timer.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      timer.classList.toggle("low", left <= 15);
      if (used) used.value = ((Date.now() - started) / 1000).toFixed(1);
      if (left === 0) {
        clearInterval(tick);
        if (!submitted) {
          var notice = form.querySelector("[data-time-up]");
          if (notice) notice.hidden = false;
          submitForm(form);
        }
      }
    }, 250);
  }

  document.addEventListener("DOMContentLoaded", function () {
    renderMath(document);
    setupSpeech();
    setupTimer();
  });
  window.Viva = { renderMath: renderMath, speak: speak };
})();
