#!/usr/bin/env python3
"""Checks every link and anchor of the HTML pages of built detcat sites, without a browser.

For each page: every `href` and `src` that is not an absolute URL must name a file of the
site (a folder counts when it holds index.html), relative to the page, without leaving the
site and without a leading `/` (the catalog is also opened from disk and from a sub-path);
a `#fragment` must be the id of an element of the target page. Prints the figures and the
first broken links, and exits 1 when there is any.

Usage: linkcheck.py SITE_DIR...
"""

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = ("http", "https", "mailto")
# Inline content, such as the empty icon that stops browsers asking for /favicon.ico.
INLINE = ("data",)
SHOWN = 30


class Page(HTMLParser):
    """The link targets and element ids of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.targets = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.targets.append(value)
            elif name == "id" and value:
                self.ids.add(value)
            elif name == "name" and tag == "a" and value:
                self.ids.add(value)


def parse(path, cache):
    if path not in cache:
        page = Page()
        page.feed(path.read_text(encoding="utf-8"))
        page.close()
        cache[path] = page
    return cache[path]


def problem(root, page, target, cache):
    """What is wrong with `target` on `page`, or None."""
    parts = urlsplit(target)
    if parts.scheme in EXTERNAL or parts.scheme in INLINE:
        return None
    if parts.scheme or parts.netloc:
        return f"unexpected scheme or host in {target!r}"
    if parts.path.startswith("/"):
        return "absolute path: breaks from disk and on a sub-path"
    file = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if not file.is_relative_to(root):
        return "leaves the site"
    if file.is_dir():
        file = file / "index.html"
    if not file.is_file():
        return "no such file"
    if parts.fragment and file.suffix == ".html":
        if unquote(parts.fragment) not in parse(file, cache).ids:
            return f"no element with id {unquote(parts.fragment)!r} in {file.relative_to(root)}"
    return None


def check(root):
    root = root.resolve()
    cache = {}
    pages = sorted(root.rglob("*.html"))
    links = external = anchors = 0
    broken = []
    for page in pages:
        for target in parse(page, cache).targets:
            links += 1
            external += urlsplit(target).scheme in EXTERNAL
            anchors += "#" in target
            why = problem(root, page, target, cache)
            if why:
                broken.append(f"{page.relative_to(root)}: {target}: {why}")
    print(
        f"{'FAIL' if broken else 'ok  '} links of {root}: {len(pages)} HTML pages, {links} links "
        f"({external} external, not fetched; {anchors} with an anchor), {len(broken)} broken"
    )
    for line in broken[:SHOWN]:
        print(f"FAIL {line}")
    if len(broken) > SHOWN:
        print(f"FAIL ... and {len(broken) - SHOWN} more")
    return not broken


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    results = [check(Path(site)) for site in argv[1:]]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
