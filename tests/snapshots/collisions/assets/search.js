/* detcat: the search page. Reads window.DETCAT_INDEX (assets/search-index.js, whose format
   src/render/search.rs documents), scores each rule against the words typed (a word matches a
   token it begins; the title counts more than the rest), applies the filters, and keeps the
   query in the address so that a link to it can be shared. No network, no framework. */
(function () {
  "use strict";

  var MAX_TOKEN = 24;
  var PAGE_SIZE = 100;
  var index = window.DETCAT_INDEX;
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  if (!form || !input || !status || !list) {
    return;
  }
  if (!index || !index.r) {
    status.textContent = "The search index (assets/search-index.js) did not load.";
    return;
  }

  /* The same tokens as the index builder: lower case, split at anything not a letter or a
     digit, cut to MAX_TOKEN characters. */
  function tokenize(text) {
    return text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(function (t) {
        return t.length > 0;
      })
      .map(function (t) {
        return Array.from(t).slice(0, MAX_TOKEN).join("");
      });
  }

  var rules = index.r.map(function (r) {
    return {
      page: r[0],
      title: r[1],
      level: r[2],
      status: r[3],
      tactics: r[4],
      logsources: r[5],
      techniques: r[6],
      flags: r[7],
      titleTokens: tokenize(r[1]),
      words: r[8] ? r[8].split(" ") : []
    };
  });

  function positionOf(list, value) {
    for (var i = 0; i < list.length; i++) {
      var name = Array.isArray(list[i]) ? list[i][0] : list[i];
      if (name === value) {
        return i;
      }
    }
    return -1;
  }

  function bestMatch(tokens, query, exact, prefix) {
    var best = 0;
    for (var i = 0; i < tokens.length && best < exact; i++) {
      if (tokens[i] === query) {
        best = exact;
      } else if (prefix > best && tokens[i].lastIndexOf(query, 0) === 0) {
        best = prefix;
      }
    }
    return best;
  }

  /* 0 when a query word matches nothing; otherwise higher for title and whole-word matches. */
  function score(rule, queries) {
    var total = 0;
    for (var i = 0; i < queries.length; i++) {
      var s = bestMatch(rule.titleTokens, queries[i], 10, 6);
      if (s === 0) {
        s = bestMatch(rule.words, queries[i], 3, 2);
      }
      if (s === 0) {
        return 0;
      }
      total += s;
    }
    return total;
  }

  function readFilters() {
    var targets = [];
    var boxes = form.querySelectorAll("input[name=to]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.checked) {
        targets.push(box.value);
      }
    });
    return {
      q: input.value,
      level: form.elements.level.value,
      status: form.elements.status.value,
      tactic: form.elements.tactic.value,
      logsource: form.elements.logsource.value,
      dn: form.elements.dn.checked,
      to: targets
    };
  }

  function targetMask(targets) {
    var mask = 0;
    targets.forEach(function (id) {
      var i = positionOf(index.tg, id);
      if (i >= 0) {
        mask |= 1 << (i + 1);
      }
    });
    return mask;
  }

  function filterTest(f) {
    var level = f.level ? positionOf(index.lv, f.level) : null;
    var st = f.status ? positionOf(index.st, f.status) : null;
    var tactic = f.tactic ? positionOf(index.ta, f.tactic) : null;
    var logsource = f.logsource ? positionOf(index.ls, f.logsource) : null;
    var mask = targetMask(f.to) | (f.dn ? 1 : 0);
    return function (rule) {
      return (level === null || rule.level === level) &&
        (st === null || rule.status === st) &&
        (tactic === null || rule.tactics.indexOf(tactic) >= 0) &&
        (logsource === null || rule.logsources.indexOf(logsource) >= 0) &&
        (rule.flags & mask) === mask;
    };
  }

  function isActive(f) {
    return f.q.trim() !== "" || f.level || f.status || f.tactic || f.logsource || f.dn || f.to.length > 0;
  }

  function search(f) {
    var queries = tokenize(f.q);
    var passes = filterTest(f);
    var found = [];
    rules.forEach(function (rule) {
      if (passes(rule)) {
        var s = queries.length ? score(rule, queries) : 1;
        if (s > 0) {
          found.push({ rule: rule, score: s });
        }
      }
    });
    found.sort(function (a, b) {
      return b.score - a.score || a.rule.title.length - b.rule.title.length ||
        a.rule.title.localeCompare(b.rule.title);
    });
    return found;
  }

  function textElement(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    element.textContent = text;
    return element;
  }

  function names(positions, list) {
    return positions.map(function (i) {
      return Array.isArray(list[i]) ? list[i][0] : list[i];
    });
  }

  function resultItem(rule) {
    var item = document.createElement("li");
    var link = textElement("a", "", rule.title);
    link.href = "rules/" + encodeURIComponent(rule.page) + ".html";
    item.appendChild(link);
    var facts = document.createElement("p");
    facts.className = "result-facts";
    if (rule.level >= 0) {
      var level = index.lv[rule.level];
      facts.appendChild(textElement("span", "level level-" + level.replace(/\s+/g, "-"), level));
    }
    if (rule.status >= 0) {
      facts.appendChild(textElement("span", "status", index.st[rule.status]));
    }
    names(rule.logsources, index.ls).forEach(function (l) {
      facts.appendChild(textElement("span", "logsource", l));
    });
    names(rule.techniques, index.te).forEach(function (t) {
      facts.appendChild(textElement("span", "technique", t));
    });
    item.appendChild(facts);
    return item;
  }

  var found = [];
  var shown = 0;

  function showMore() {
    var end = Math.min(found.length, shown + PAGE_SIZE);
    var fragment = document.createDocumentFragment();
    for (; shown < end; shown++) {
      fragment.appendChild(resultItem(found[shown].rule));
    }
    list.appendChild(fragment);
    if (more) {
      more.hidden = shown >= found.length;
      more.textContent = "Show more (" + (found.length - shown) + " left)";
    }
  }

  function render(f) {
    list.textContent = "";
    shown = 0;
    if (!isActive(f)) {
      found = [];
      status.textContent = "Type a word or choose a filter to search " + rules.length + " rules.";
      if (more) {
        more.hidden = true;
      }
      return;
    }
    found = search(f);
    var n = found.length;
    status.textContent = n === 1 ? "1 rule matches." : n + " rules match.";
    showMore();
  }

  function toParams(f) {
    var params = new URLSearchParams();
    ["q", "level", "status", "tactic", "logsource"].forEach(function (key) {
      if (f[key]) {
        params.set(key, f[key]);
      }
    });
    if (f.dn) {
      params.set("dn", "1");
    }
    f.to.forEach(function (t) {
      params.append("to", t);
    });
    return params.toString();
  }

  /* The hash first (it is what this page writes), then the query string (?q=wbemcons). */
  function readAddress() {
    var hash = window.location.hash.replace(/^#/, "");
    return new URLSearchParams(hash.indexOf("=") >= 0 ? hash : window.location.search);
  }

  function setSelect(select, value) {
    select.value = value || "";
    if (select.value !== (value || "")) {
      select.value = "";
    }
  }

  function applyAddress() {
    var params = readAddress();
    input.value = params.get("q") || "";
    setSelect(form.elements.level, params.get("level"));
    setSelect(form.elements.status, params.get("status"));
    setSelect(form.elements.tactic, params.get("tactic"));
    setSelect(form.elements.logsource, params.get("logsource"));
    form.elements.dn.checked = params.get("dn") === "1";
    var targets = params.getAll("to");
    Array.prototype.forEach.call(form.querySelectorAll("input[name=to]"), function (box) {
      box.checked = targets.indexOf(box.value) >= 0;
    });
  }

  /* The hash never reloads the page and works from file://, where changing the path or the
     query string with the History API may be refused. */
  function writeAddress(f) {
    var hash = "#" + toParams(f);
    if (hash === "#" && !window.location.hash) {
      return;
    }
    try {
      window.history.replaceState(null, "", window.location.pathname + hash);
    } catch (e) {
      window.location.replace(hash);
    }
  }

  var timer = null;
  function update() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var f = readFilters();
      render(f);
      writeAddress(f);
    }, 60);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
  window.addEventListener("hashchange", function () {
    applyAddress();
    render(readFilters());
  });
  if (more) {
    more.addEventListener("click", showMore);
  }

  applyAddress();
  render(readFilters());
  input.focus();
})();
