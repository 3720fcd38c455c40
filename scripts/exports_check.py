#!/usr/bin/env python3
"""Loads every ATT&CK Navigator layer under the given output folders with MITRE's own layer
library (mitreattack-python's navlayers) and checks that nothing was dropped or complained
about on the way. Called by scripts/exports-check, which installs the library.

  exports_check.py OUT_DIR...
"""
import contextlib
import io
import json
import pathlib
import sys

from mitreattack.navlayers import Layer


def check_layer(path):
    """Returns a problem description, or None when MITRE's library reads the layer cleanly."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    said = io.StringIO()
    try:
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            layer = Layer()
            layer.from_file(str(path))
            loaded = layer.to_dict()
    except Exception as error:  # the library raises its own and built-in exceptions
        return f"rejected: {type(error).__name__}: {error}"
    if said.getvalue().strip():
        return f"complaints while loading: {said.getvalue().strip()[:500]}"
    if loaded.get("domain") != raw.get("domain"):
        return f"domain {raw.get('domain')!r} read as {loaded.get('domain')!r}"
    if len(loaded.get("techniques", [])) != len(raw.get("techniques", [])):
        return (f"{len(raw.get('techniques', []))} techniques written, "
                f"{len(loaded.get('techniques', []))} loaded")
    if raw.get("versions", {}).get("layer") != "4.5":
        return f"layer format {raw.get('versions')!r}, expected 4.5"
    return None


def main(folders):
    layers = sorted(p for folder in folders for p in pathlib.Path(folder).rglob("*.json")
                    if "layer" in p.name)
    if not layers:
        print("FAIL  no navigator layer found under " + ", ".join(folders))
        return 1
    failed = 0
    for path in layers:
        problem = check_layer(path)
        if problem:
            failed += 1
            print(f"FAIL  {path}: {problem}")
    entries = sum(len(json.loads(p.read_text(encoding="utf-8"))["techniques"]) for p in layers)
    verdict = "ok  " if failed == 0 else "FAIL"
    print(f"{verdict}  navigator layers loaded by mitreattack-python: {len(layers) - failed} of "
          f"{len(layers)} ({entries} technique entries)")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
