#!/usr/bin/env python3
"""Refuses an include that points up the layers of docs/ARCHITECTURE.md.

Each folder of src/ may include its own headers and those of the folders
ALLOWED names for it. Tests (*_test.cc, *_dbtest.cc, test_support.h) may include
anything. KNOWN lists the upward includes that are still there, file by
file, to be removed (docs/ARCHITECTURE.md, "Not yet as it should be"); a
known include that is gone must be taken off the list too, so the list only
shrinks. Run by the build (CMake target `layers`) and by hand:

    python3 cmake/check_layers.py [SRC_DIR]

Prints each offending include as FILE:LINE and exits 1 when there is one.

    python3 cmake/check_layers.py --layers

prints the layers for CMakeLists.txt, one per line: the layer, the layers
it may include directly, and all the layers below it (what its headers may
bring in), as "layer:dep,dep:below,below". The build gives each layer a
static library and an include root holding only itself and the layers
below it, so that an upward include does not compile either.
"""
import os
import re
import sys

ALLOWED = {
    "core": set(),
    "domain": {"core"},
    "model": {"core", "domain"},
    "scoring": {"core", "domain", "model"},
    "store": {"core", "domain", "model"},
    "auth": {"core", "domain", "store"},
    "enterprise": {"core", "domain", "store", "auth"},
    "http": {"core", "domain"},
    "mail": {"core"},
    "jobs": {"core", "domain", "store", "mail"},
    "report": {"core", "domain", "model", "scoring"},
    "analytics": {"core", "domain", "model", "scoring", "store", "auth"},
    "campaign": {"core", "domain", "model", "scoring", "store", "auth", "enterprise", "analytics", "report"},
    "importer": {"core", "domain", "model", "scoring", "store", "auth", "enterprise", "campaign"},
    "demo": {"core", "domain", "model", "scoring", "store", "auth", "enterprise", "analytics", "campaign", "importer"},
    # Not store: a handler calls a service, which owns its transactions.
    "api": {"core", "domain", "model", "scoring", "auth", "enterprise", "http", "jobs", "report", "analytics",
            "campaign", "importer", "demo"},
    "cli": {"core", "domain", "model", "scoring", "store", "auth", "enterprise", "http", "mail", "jobs", "report", "analytics",
            "campaign", "importer", "demo", "api"},
}

# (file, included folder): upward includes still to be removed.
KNOWN = set()

# A handler parses, calls one service and renders: no function in src/api
# is longer than this (lines from its signature to its closing brace).
MAX_API_FUNCTION_LINES = 60

INCLUDE = re.compile(r'^\s*#\s*include\s+[<"]([^">]+)[">]')


def is_test(path):
    name = os.path.basename(path)
    return name.endswith(("_test.cc", "_dbtest.cc", "test_support.h"))


def long_functions(path):
    """Top-level functions of a clang-formatted file (a signature at column 0,
    its body to the matching brace) longer than MAX_API_FUNCTION_LINES, as
    (line, length, signature)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    found, i = [], 0
    while i < len(lines):
        line = lines[i]
        starts = (line and not line[0].isspace() and "(" in line
                  and not line.startswith(("#", "}", "//", "namespace", "using", "struct", "class", "enum")))
        if not starts:
            i += 1
            continue
        j = i
        while j < len(lines) and "{" not in lines[j] and not lines[j].rstrip().endswith(";"):
            j += 1
        if j == len(lines) or lines[j].rstrip().endswith(";"):
            i = j + 1
            continue
        depth, k = 0, j
        while k < len(lines):
            depth += lines[k].count("{") - lines[k].count("}")
            if depth == 0:
                break
            k += 1
        if k - i + 1 > MAX_API_FUNCTION_LINES:
            found.append((i + 1, k - i + 1, line.strip()))
        i = k + 1
    return found


def below(layer):
    """The layers `layer` may reach through its allowed ones, transitively."""
    seen, todo = set(), list(ALLOWED[layer])
    while todo:
        dep = todo.pop()
        if dep not in seen:
            seen.add(dep)
            todo.extend(ALLOWED[dep])
    return seen


def print_layers():
    for layer in ALLOWED:
        if layer in below(layer):
            print(f"{layer}: a layer that reaches itself", file=sys.stderr)
            return 1
        print(f"{layer}:{','.join(sorted(ALLOWED[layer]))}:{','.join(sorted(below(layer)))}")
    return 0


def main():
    if sys.argv[1:] == ["--layers"]:
        return print_layers()
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    problems, seen_known = [], set()
    for folder in sorted(os.listdir(src)):
        root = os.path.join(src, folder)
        if not os.path.isdir(root):
            continue
        if folder not in ALLOWED:
            problems.append(f"src/{folder}: a folder without a layer in cmake/check_layers.py")
            continue
        for dirpath, _, files in os.walk(root):
            for name in sorted(files):
                if not name.endswith((".h", ".cc")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, src)
                if is_test(path):
                    continue
                with open(path, encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        included = m.group(1)
                        if ".." in included.split("/"):
                            problems.append(f"src/{rel}:{number}: include our headers from src/, not by a "
                                            f"relative path: {line.strip()}")
                            continue
                        target = included.split("/")[0] if "/" in included else ""
                        if (not target or target == folder or target in ALLOWED[folder]
                                or not os.path.isdir(os.path.join(src, target))):
                            continue
                        if (rel, target) in KNOWN:
                            seen_known.add((rel, target))
                            continue
                        problems.append(f"src/{rel}:{number}: {folder}/ may not include {target}/ "
                                        f"(docs/ARCHITECTURE.md): {line.strip()}")
    api = os.path.join(src, "api")
    for name in sorted(os.listdir(api)) if os.path.isdir(api) else []:
        if name.endswith(".cc") and not is_test(name):
            for number, length, signature in long_functions(os.path.join(api, name)):
                problems.append(f"src/api/{name}:{number}: {length} lines, more than {MAX_API_FUNCTION_LINES}: a "
                                f"handler parses, calls a service and renders (docs/ARCHITECTURE.md): {signature}")
    for rel, target in sorted(KNOWN - seen_known):
        problems.append(f"src/{rel}: no longer includes {target}/; take it off KNOWN in cmake/check_layers.py")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
