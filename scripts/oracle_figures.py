#!/usr/bin/env python3
"""Reads the oracle's reports on detcat's queries, prints each figure with its goal, and
exits 1 when one misses it. Called by scripts/oracle-check; standard library only.

  oracle_figures.py parse TARGET CHECK_SUMMARY.json
  oracle_figures.py regression SUMMARY.json REPORT.jsonl MIN_MATCHED
  oracle_figures.py watcher WATCHER.jsonl LUCENE.jsonl
  oracle_figures.py converted MIN_RULES LUCENE.jsonl GRAYLOG.jsonl WATCHER.jsonl
"""
import json
import re
import sys
from collections import Counter


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def verdict(ok, text):
    print(("ok    " if ok else "FAIL  ") + text)
    return ok


def parse(target, summary_path):
    s = json.load(open(summary_path, encoding="utf-8"))
    return verdict(
        s["lucene_failed"] == 0 and s["luqum_failed"] == 0,
        f"{target}: {s['queries']} queries; rejected by Lucene 8: {s['lucene_failed']}, "
        f"by luqum: {s['luqum_failed']} (goal 0)",
    )


def regression(summary_path, report_path, min_matched):
    s = json.load(open(summary_path, encoding="utf-8"))["external_ci"]
    total = sum(v for k, v in s.items() if k != "count_ok")
    ok = verdict(
        s["matched"] >= int(min_matched),
        f"regression events matched by detcat's Kibana query in Lucene 8 (case-insensitive): "
        f"{s['matched']} of {total} (floor {min_matched}, goal {total}); {s}",
    )
    for r in lines(report_path):
        if r.get("external_ci") != "matched":
            why = r.get("external_ci_error") or r.get("external_conv_error") or ""
            print(f"      {r['external_ci']}: {r['rule']}: {why[:160]}")
    return ok


def watch_body(command):
    """The JSON document after the `curl ... <<'EOF'` line of one command."""
    head, _, body = command.partition("\n")
    if not head.startswith("curl ") or not head.endswith("<<'EOF'"):
        raise ValueError(f"not a curl command with a quoted heredoc: {head[:80]}")
    return head, json.loads(body)


def split_watches(text):
    """One command per watch: each ends with the heredoc's closing `EOF` line."""
    return [part for part in text.split("\nEOF\n") if part.strip()]


def watcher(watcher_path, lucene_path):
    kibana = {r["path"]: r for r in lines(lucene_path)}
    watches = bad_json = mismatched = 0
    for r in lines(watcher_path):
        if not r["ok"]:
            continue
        for text in r["queries"]:
            for command in split_watches(text):
                watches += 1
                try:
                    _, body = watch_body(command)
                except ValueError:
                    bad_json += 1
                    print(f"      invalid JSON: {r['path']}")
                    continue
                query = body["input"]["search"]["request"]["body"]["query"]
                string = query["bool"]["must"][0]["query_string"]["query"]
                k = kibana.get(r["path"])
                if k and k["ok"] and string not in k["queries"] and len(k["queries"]) == 1:
                    mismatched += 1
                    print(f"      query differs from Kibana's: {r['path']}")
    return verdict(
        bad_json == 0 and mismatched == 0,
        f"watcher: {watches} watches; invalid JSON: {bad_json}, query other than the Kibana "
        f"query: {mismatched} (goal 0)",
    )


def converted(min_rules, *paths):
    ok = True
    for path in paths:
        per_folder = Counter()
        failed = Counter()
        reasons = Counter()
        for r in lines(path):
            folder = "sigma-2020/rules" if "/sigma-2020/" in r["path"] else r["path"].split(
                "/sigma/")[-1].split("/")[0]
            per_folder[folder] += 1
            if not r["ok"]:
                failed[folder] += 1
                for error in set(r["error"].split("; ")):
                    reasons[re.sub(r"^.*?not convertible to [^:]+: ", "", error)] += 1
        name = path.rsplit("/", 1)[-1].removesuffix(".jsonl")
        figures = ", ".join(
            f"{f} {n - failed[f]}/{n}" for f, n in sorted(per_folder.items()))
        rules = per_folder["rules"] - failed["rules"]
        ok &= verdict(
            rules >= int(min_rules),
            f"{name} converted: {figures} (floor for rules {min_rules}, pySigma's Lucene "
            f"figure); not convertible: {dict(reasons)}",
        )
    return ok


def main(argv):
    commands = {"parse": parse, "regression": regression, "watcher": watcher,
                "converted": converted}
    if len(argv) < 2 or argv[1] not in commands:
        sys.exit(__doc__)
    return 0 if commands[argv[1]](*argv[2:]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
