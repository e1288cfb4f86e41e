"""Lists the system files check-wheel.sh hides to imitate a bare Python host: the system copies of
every library the repaired wheel grafted (libcbor, libsecp256k1, libcrypto, libssl, libcurl and
libcurl's own dependencies), plus any libcbor*, libsecp256k1* or libcurl* in the system library
directories. Libraries the Python interpreter itself needs to run ctypes (the interpreter, libpython,
_ctypes and their dependencies, e.g. libffi) stay: a bare Python host has those.

    python hide_list.py LIBS_DIR

Prints one line per file: ``hide <real path> <library>`` or ``keep <real path> <why>``.
Run with the python of the venv the wheel is installed in.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys

SYSTEM_DIRS = (
    "/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib",
    "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
)
ALWAYS = ("libcbor.so*", "libsecp256k1.so*", "libcurl.so*", "libcurl-*.so*")


def system_dirs():
    dirs = set()
    try:
        out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if "=>" in line:
                dirs.add(os.path.dirname(line.split("=>", 1)[1].strip()))
    except OSError:
        pass
    dirs.update(SYSTEM_DIRS)
    return sorted({os.path.realpath(d) for d in dirs if os.path.isdir(d)})


def ldd_paths(path: str):
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD")}
    out = subprocess.run(["ldd", path], capture_output=True, text=True, env=env).stdout
    for line in out.splitlines():
        if "=>" in line:
            target = line.split("=>", 1)[1].strip().split(" (", 1)[0]
            if target.startswith("/"):
                yield os.path.realpath(target)


def interpreter_needs():
    """Real paths of the libraries the interpreter needs to import ctypes."""
    import _ctypes  # noqa: F401  (a shared module on most builds; built in on some)

    roots = [os.path.realpath(sys.executable)]
    ctypes_file = getattr(sys.modules["_ctypes"], "__file__", None)
    if ctypes_file:
        roots.append(os.path.realpath(ctypes_file))
    needs = {}
    for root in roots:
        for path in ldd_paths(root):
            needs.setdefault(path, os.path.basename(root))
    return needs


def main() -> int:
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print("usage: hide_list.py LIBS_DIR (the wheel's dfns_bridge.libs)", file=sys.stderr)
        return 2
    libs_dir = sys.argv[1]
    originals = set()
    for name in os.listdir(libs_dir):
        # auditwheel names a grafted copy <name>-<8 hex digits>.<rest of the original file name>
        originals.add(re.sub(r"-[0-9a-f]{8}(?=\.)", "", name, count=1))
    keep = interpreter_needs()
    found = {}
    for d in system_dirs():
        candidates = [os.path.join(d, n) for n in originals]
        for pattern in ALWAYS:
            candidates += glob.glob(os.path.join(d, pattern))
        for c in candidates:
            if os.path.exists(c):
                real = os.path.realpath(c)
                if os.path.isfile(real):
                    found.setdefault(real, os.path.basename(c))
    for real in sorted(found):
        if real in keep:
            print(f"keep {real} needed by the Python interpreter itself ({keep[real]})")
        else:
            print(f"hide {real} {found[real]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
