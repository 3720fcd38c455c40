// Opens built detcat sites in Debian's Chromium and fails on what a reader would hit: a
// console error, an uncaught exception, a request that fails or answers 400 and above, a
// search that does not find its rule. Takes screenshots for a person to judge.
//
// Run by scripts/browser-check, which builds the sites and starts the servers:
//   node check.mjs --site NAME=DIR [--sample NAME=N] [--origin NAME=URL]... --shots DIR
//                  [--serve NAME=URL --sources NAME=DIR]
// Every site is visited from file:// and from each --origin given for it. --serve names a
// `detcat serve` of the site's sources in --sources: a source is edited there, and the
// open page must reload and show the edit. What to visit is
// data, in pages.json beside this file; a page named there that a site lacks is skipped
// with a note.

import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

const plan = JSON.parse(fs.readFileSync(new URL("pages.json", import.meta.url), "utf8"));
/// Pages visited at once: the machine has two cores and Chromium uses both.
const TABS = 3;
/// Bounds a wait that would otherwise hang; no speed is asserted.
const PATIENCE = 30_000;

const problems = [];
const notes = [];

function pairs(values) {
  return new Map((values ?? []).map((v) => {
    const at = v.indexOf("=");
    return [v.slice(0, at), v.slice(at + 1)];
  }));
}

function options() {
  const { values } = parseArgs({
    options: {
      site: { type: "string", multiple: true },
      sample: { type: "string", multiple: true },
      origin: { type: "string", multiple: true },
      serve: { type: "string", multiple: true },
      sources: { type: "string", multiple: true },
      shots: { type: "string" },
      seed: { type: "string", default: "4" },
    },
  });
  const origins = new Map();
  for (const value of values.origin ?? []) {
    const at = value.indexOf("=");
    const name = value.slice(0, at);
    origins.set(name, [...(origins.get(name) ?? []), value.slice(at + 1)]);
  }
  return {
    sites: pairs(values.site),
    samples: pairs(values.sample),
    origins,
    serves: pairs(values.serve),
    sources: pairs(values.sources),
    shots: values.shots,
    seed: Number(values.seed),
  };
}

/// Every HTML page of a site, relative to its root, sorted.
function htmlPages(root) {
  return fs.readdirSync(root, { recursive: true })
    .filter((file) => file.endsWith(".html"))
    .map((file) => file.split(path.sep).join("/"))
    .sort();
}

/// A small seeded generator, so that a failing sample can be visited again.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(pages, count, seed) {
  if (!count || count >= pages.length) return pages;
  const next = random(seed);
  const pool = [...pages];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count).sort();
}

/// The pages named in the plan for `site`, those it has, with a note for those it lacks.
function specialPages(site, pages) {
  const named = [...plan.special, plan.rule[site]].filter(Boolean);
  return named.filter((page) => {
    if (pages.includes(page)) return true;
    notes.push(`${site}: ${page} does not exist yet; skipped`);
    return false;
  });
}

/// Opens a tab that records the problems of the page it is on, named by `tab.label`; while
/// the label is null (between pages), nothing is recorded.
async function watchedTab(context, label = null) {
  const tab = await context.newPage();
  const watched = { tab, label };
  const report = (what) => watched.label && problems.push(`${watched.label}: ${what}`);
  tab.on("console", (message) => {
    if (message.type() === "error") report(`console error: ${message.text()} (${message.location().url})`);
  });
  tab.on("pageerror", (error) => report(`uncaught exception: ${error.message}`));
  tab.on("requestfailed", (request) => report(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  tab.on("response", (response) => {
    if (response.status() >= 400) report(`HTTP ${response.status()}: ${response.url()}`);
  });
  watched.done = async () => {
    watched.label = null;
    await tab.close();
  };
  return watched;
}

/// On a phone-sized tab, the page must not be wider than the screen: a reader would have
/// to scroll sideways to read every line. Wide content scrolls in its own box instead.
async function checkWidth(tab, label) {
  const width = tab.viewportSize()?.width;
  if (width !== plan.viewports.phone[0]) return;
  const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) {
    const culprit = await tab.evaluate(widest);
    problems.push(`${label}: ${overflow}px wider than a ${width}px phone screen, first at ${culprit}`);
  }
}

/// The first element that reaches past the right edge of the window, described.
function widest() {
  for (const element of document.querySelectorAll("body *")) {
    if (element.getBoundingClientRect().right > window.innerWidth + 1) {
      const text = (element.textContent ?? "").replace(/\s+/g, " ").slice(0, 60);
      return `<${element.tagName.toLowerCase()}> "${text}"`;
    }
  }
  return "an element this check cannot name";
}

/// Visits every page in `pages` under `base` on a few tabs at once. A tab is reused from
/// page to page (a new tab per page cost more than the page); it passes through
/// about:blank, unwatched, so that what the last page left loading is cancelled there and
/// not blamed on the next one.
async function visitAll(context, label, base, pages) {
  const queue = [...pages];
  const worker = async () => {
    const watched = await watchedTab(context);
    for (let page = queue.shift(); page; page = queue.shift()) {
      watched.label = `${label} ${page}`;
      const special = plan.special.includes(page);
      try {
        await watched.tab.goto(base + page, { waitUntil: special ? "networkidle" : "load", timeout: PATIENCE });
        await checkWidth(watched.tab, watched.label);
      } catch (error) {
        problems.push(`${label} ${page}: did not load: ${error.message.split("\n")[0]}`);
      }
      watched.label = null;
      // A page that failed to load may still be navigating to Chromium's error page.
      await watched.tab.goto("about:blank").catch(() => {});
    }
    await watched.done();
  };
  await Promise.all(Array.from({ length: TABS }, worker));
}

/// Types the query into the search page and waits for a link to the expected rule.
async function search(tab, base, expect) {
  await tab.goto(base + plan.search.page, { waitUntil: "networkidle", timeout: PATIENCE });
  const input = tab.locator(plan.search.input).first();
  await input.fill(plan.search.query, { timeout: PATIENCE });
  await input.press("Enter");
  await tab.locator(`a[href*="${expect}"]`).first().waitFor({ timeout: PATIENCE });
}

async function checkSearch(context, site, label, base, pages) {
  const expect = plan.search.expect[site];
  if (!pages.includes(plan.search.page) || !expect) {
    notes.push(`${label}: no ${plan.search.page} (or no expected rule); search not checked`);
    return;
  }
  const { tab, done } = await watchedTab(context, `${label} search`);
  try {
    await search(tab, base, expect);
    console.log(`ok   ${label}: searching ${plan.search.query} finds ${expect}`);
  } catch (error) {
    problems.push(`${label}: searching ${plan.search.query} did not find ${expect}: ${error.message.split("\n")[0]}`);
  }
  await done();
}

/// Edits a source of a served site while its page is open: the page must reload by itself
/// and show the edit. The source is put back afterwards.
async function checkReload(browser, site, base, sources) {
  const spec = plan.reload?.[site];
  if (!spec || !base || !sources) return;
  const label = `${site} ${base} live reload`;
  const file = path.join(sources, spec.file);
  const text = fs.readFileSync(file, "utf8");
  const context = await browser.newContext();
  const { tab, done } = await watchedTab(context, label);
  try {
    await tab.goto(base + spec.page, { waitUntil: "load", timeout: PATIENCE });
    const reloaded = tab.waitForEvent("load", { timeout: PATIENCE });
    fs.writeFileSync(file, text.replace(spec.replace[0], spec.replace[1]));
    await reloaded;
    await tab.getByText(spec.expect).first().waitFor({ timeout: PATIENCE });
    console.log(`ok   ${label}: editing ${spec.file} reloaded ${spec.page}, which shows "${spec.expect}"`);
  } catch (error) {
    problems.push(`${label}: editing ${spec.file} did not reload ${spec.page} with the edit: ${error.message.split("\n")[0]}`);
  } finally {
    // Putting the source back makes the server rebuild once more: wait for that rebuild, so
    // that no later visit is interrupted by a reload it did not ask for.
    const before = await serverVersion(base);
    fs.writeFileSync(file, text);
    const deadline = Date.now() + PATIENCE;
    while (before !== null && (await serverVersion(base)) === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await done();
  await context.close();
}

/// The build version `detcat serve` reports, or null when it cannot be read.
async function serverVersion(base) {
  try {
    const reply = await fetch(new URL("__detcat/version", base));
    return reply.ok ? await reply.text() : null;
  } catch {
    return null;
  }
}

/// Screenshots of the plan's pages at each viewport; returns the files written.
async function screenshots(browser, site, base, pages, folder) {
  const written = [];
  for (const [viewport, [width, height]] of Object.entries(plan.viewports)) {
    const context = await browser.newContext({ viewport: { width, height } });
    for (const shot of plan.screenshots) {
      const file = path.join(folder, `${site}-${shot.replace(/\.html$/, "")}-${viewport}.png`);
      const { tab, done } = await watchedTab(context, `${site} screenshot ${shot} ${viewport}`);
      try {
        if (!(await openShot(tab, site, base, pages, shot))) {
          await done();
          continue;
        }
        await tab.screenshot({ path: file });
        const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        written.push(`${file}${overflow > 0 ? ` (page ${overflow}px wider than the viewport)` : ""}`);
      } catch (error) {
        problems.push(`${site} screenshot ${shot} ${viewport}: ${error.message.split("\n")[0]}`);
      }
      await done();
    }
    await context.close();
  }
  return written;
}

/// Opens what a screenshot shows; false when the site lacks it.
async function openShot(tab, site, base, pages, shot) {
  if (shot === "search") {
    const expect = plan.search.expect[site];
    if (!pages.includes(plan.search.page) || !expect) return false;
    await search(tab, base, expect);
    return true;
  }
  const page = shot === "rule" ? plan.rule[site] : shot;
  if (!page || !pages.includes(page)) return false;
  await tab.goto(base + page, { waitUntil: "networkidle", timeout: PATIENCE });
  return true;
}

async function checkSite(browser, opts, site, root) {
  const pages = htmlPages(root);
  const chosen = [...new Set([...specialPages(site, pages), ...sample(pages, Number(opts.samples.get(site) ?? 0), opts.seed)])].sort();
  const bases = [pathToFileURL(root).href + "/", ...(opts.origins.get(site) ?? [])];
  for (const base of bases) {
    // From disk at desktop width, from servers at phone width: every page is seen at both.
    const [width, height] = base.startsWith("file:") ? plan.viewports.desktop : plan.viewports.phone;
    const context = await browser.newContext({ viewport: { width, height } });
    const label = `${site} ${base.startsWith("file:") ? "file://" : base} at ${width}px`;
    const before = problems.length;
    await visitAll(context, label, base, chosen);
    await checkSearch(context, site, label, base, pages);
    const found = problems.length - before;
    console.log(`${found ? "FAIL" : "ok  "} ${label}: ${chosen.length} of ${pages.length} pages visited, ${found} problems`);
    await context.close();
  }
  await checkReload(browser, site, opts.serves.get(site), opts.sources.get(site));
  if (opts.shots) {
    fs.mkdirSync(opts.shots, { recursive: true });
    const base = bases[bases.length > 1 ? 1 : 0];
    for (const file of await screenshots(browser, site, base, pages, opts.shots)) console.log(`shot ${file}`);
  }
}

async function main() {
  const opts = options();
  const browser = await chromium.launch({ executablePath: plan.chromium, args: plan.args, headless: true });
  console.log(`browser: ${plan.chromium} ${browser.version()}`);
  try {
    for (const [site, root] of opts.sites) await checkSite(browser, opts, site, root);
  } finally {
    await browser.close();
  }
  for (const note of notes) console.log(`note ${note}`);
  for (const problem of problems.slice(0, 50)) console.log(`FAIL ${problem}`);
  if (problems.length > 50) console.log(`FAIL ... and ${problems.length - 50} more`);
  console.log(`browser check: ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
}

await main();
