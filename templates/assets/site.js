/* detcat: what every HTML page does with JavaScript, all of it optional (pages read the same
   without it): the theme toggle, a copy button on each code block, and "/" to search. */
(function () {
  "use strict";

  var THEMES = ["auto", "dark", "light"];
  var LABELS = { auto: "Theme: system", dark: "Theme: dark", light: "Theme: light" };

  function storedTheme() {
    try {
      return window.localStorage.getItem("detcat-theme") || "auto";
    } catch (e) {
      return document.documentElement.getAttribute("data-theme") || "auto";
    }
  }

  function applyTheme(theme, button) {
    if (theme === "auto") {
      document.documentElement.removeAttribute("data-theme");
    } else {
      document.documentElement.setAttribute("data-theme", theme);
    }
    try {
      if (theme === "auto") {
        window.localStorage.removeItem("detcat-theme");
      } else {
        window.localStorage.setItem("detcat-theme", theme);
      }
    } catch (e) {
      /* Not remembered where storage is refused; the choice holds for this page. */
    }
    button.textContent = LABELS[theme];
    button.setAttribute("data-theme-choice", theme);
    button.title = "Switch the colour theme (system, dark, light)";
  }

  function setUpThemeToggle() {
    var button = document.getElementById("theme-toggle");
    if (!button) {
      return;
    }
    var current = storedTheme();
    if (THEMES.indexOf(current) < 0) {
      current = "auto";
    }
    applyTheme(current, button);
    button.hidden = false;
    button.addEventListener("click", function () {
      var now = button.getAttribute("data-theme-choice") || "auto";
      var next = THEMES[(THEMES.indexOf(now) + 1) % THEMES.length];
      applyTheme(next, button);
    });
  }

  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (e) {
      done = false;
    }
    document.body.removeChild(area);
    return done;
  }

  function selectContents(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function showCopied(button, ok, pre) {
    button.textContent = ok ? "Copied" : "Press Ctrl+C to copy";
    button.classList.toggle("copied", ok);
    if (!ok) {
      selectContents(pre);
    }
    window.setTimeout(function () {
      button.textContent = "Copy";
      button.classList.remove("copied");
    }, 2000);
  }

  function copy(pre, button) {
    var text = pre.textContent;
    var fallback = function () {
      showCopied(button, copyWithSelection(text), pre);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        showCopied(button, true, pre);
      }, fallback);
    } else {
      fallback();
    }
  }

  function addCopyButtons() {
    var blocks = document.querySelectorAll("main pre");
    Array.prototype.forEach.call(blocks, function (pre) {
      var frame = document.createElement("div");
      frame.className = "code-frame";
      pre.parentNode.insertBefore(frame, pre);
      frame.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.setAttribute("aria-live", "polite");
      button.addEventListener("click", function () {
        copy(pre, button);
      });
      frame.appendChild(button);
    });
  }

  function isTyping(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function setUpSlashKey() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) {
        return;
      }
      var box = document.getElementById("search-input") || document.getElementById("site-search");
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    });
  }

  setUpThemeToggle();
  addCopyButtons();
  setUpSlashKey();
})();
