"""Extracts libtensorflow (C API) from a TensorFlow wheel into the layout tfjs-node's binding.gyp links against.

    python3 scripts/setup-tensorflow-extract.py WHEEL OUT_DIR BINDING_DIR

Called by src/backend/native-setup.ts (`npm run setup:tensorflow`); not meant to be run by hand.

The wheel carries the C API in two libraries (tensorflow/libtensorflow_cc.so.2: TFE_*, sessions, graphs;
tensorflow/libtensorflow_framework.so.2: TF_NewStatus, TF_NewTensor, ...) and its headers under tensorflow/include/.
Writes OUT_DIR/lib/{libtensorflow_cc.so.2, libtensorflow_framework.so.2} plus the unversioned names binding.gyp
asks for (-ltensorflow -ltensorflow_framework), and OUT_DIR/include/ with only the headers the binding needs: the
closure of the quoted #includes of BINDING_DIR/*.cc|*.h over the wheel's include tree (about 0.75 MB instead of
the wheel's 13,000 headers). Prints one JSON line: {"version", "package", "headers", "unresolved"}.
Exits 1 with one line on stderr when the wheel lacks the libraries or the C API headers.
"""
import json
import os
import re
import shutil
import sys
import zipfile

LIBS = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"]
# binding.gyp links -ltensorflow -ltensorflow_framework; the sonames stay the versioned ones.
LINKS = {"libtensorflow.so": "libtensorflow_cc.so.2", "libtensorflow_framework.so": "libtensorflow_framework.so.2"}
INCLUDE_PREFIX = "tensorflow/include/"
QUOTED_INCLUDE = re.compile(rb'^\s*#\s*include\s+"([^"]+)"', re.M)


def fail(message: str) -> None:
    print(message, file=sys.stderr)
    sys.exit(1)


def header_closure(wheel: zipfile.ZipFile, names: set, seeds: list) -> tuple:
    """Headers reachable from `seeds` (include paths) through quoted #includes found in the wheel."""
    found, unresolved, todo = set(), set(), list(seeds)
    while todo:
        inc = todo.pop()
        member = INCLUDE_PREFIX + inc
        if inc in found or inc in unresolved:
            continue
        if member not in names:
            unresolved.add(inc)
            continue
        found.add(inc)
        for m in QUOTED_INCLUDE.finditer(wheel.read(member)):
            todo.append(m.group(1).decode())
    return found, unresolved


def main() -> None:
    if len(sys.argv) != 4:
        fail("usage: setup-tensorflow-extract.py WHEEL OUT_DIR BINDING_DIR")
    wheel_path, out_dir, binding_dir = sys.argv[1:]
    try:
        wheel = zipfile.ZipFile(wheel_path)
    except (OSError, zipfile.BadZipFile) as err:
        fail(f"{wheel_path}: not a readable wheel ({err})")
    names = set(wheel.namelist())
    missing = [lib for lib in LIBS if "tensorflow/" + lib not in names]
    if missing:
        fail(f"{wheel_path}: no tensorflow/{missing[0]} in the wheel (not a TensorFlow >= 2.x Linux wheel?)")

    seeds = []
    for entry in sorted(os.listdir(binding_dir)):
        if entry.endswith((".cc", ".h")):
            with open(os.path.join(binding_dir, entry), "rb") as f:
                seeds += [m.group(1).decode() for m in QUOTED_INCLUDE.finditer(f.read())]
    # The binding's own headers (utils.h, ...) are not in the wheel; only tensorflow/ ones are seeds that must resolve.
    found, unresolved = header_closure(wheel, names, [s for s in seeds if "/" in s])
    if "tensorflow/c/c_api.h" not in found:
        fail(f"{wheel_path}: no {INCLUDE_PREFIX}tensorflow/c/c_api.h in the wheel (its C API headers are missing)")

    os.makedirs(os.path.join(out_dir, "lib"), exist_ok=True)
    for inc in sorted(found):
        target = os.path.join(out_dir, "include", inc)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(wheel.read(INCLUDE_PREFIX + inc))
    for lib in LIBS:
        with wheel.open("tensorflow/" + lib) as src, open(os.path.join(out_dir, "lib", lib), "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 22)
    for link, target in LINKS.items():
        path = os.path.join(out_dir, "lib", link)
        if os.path.lexists(path):
            os.remove(path)
        os.symlink(target, path)

    version, package = None, None
    for name in names:
        if name.endswith(".dist-info/METADATA"):
            for line in wheel.read(name).decode(errors="replace").splitlines():
                if line.startswith("Version:"):
                    version = line.split(":", 1)[1].strip()
                elif line.startswith("Name:"):
                    package = line.split(":", 1)[1].strip()
            break
    print(json.dumps({"version": version, "package": package, "headers": len(found), "unresolved": sorted(unresolved)}))


if __name__ == "__main__":
    main()
