"""Checks with the real dynamic loader (`ldd`) that the installed dfns-bridge wheel loads its grafted
libraries from itself. Run by check-wheel.sh with the python of the venv the wheel is installed in
(standard library only), on this host and again on the bare host.

    python ldd_check.py

Which sonames a manylinux wheel may take from the base system is auditwheel's policy, and
check-wheel.sh asks auditwheel (`auditwheel show --json`: no external library) rather than keeping a
copy of the whitelist here. This script checks what auditwheel's static view cannot: how the
installed files resolve. For every ELF file of the installed distribution (its RECORD:
libdfns_bridge.so.0 and each library in dfns_bridge.libs/), `ldd` with LD_LIBRARY_PATH and LD_PRELOAD
removed must
- resolve every library (nothing "not found");
- resolve every library whose file name the wheel carries (auditwheel's hashed names) to that file
  inside the installed wheel, not to a copy elsewhere;
- resolve libcbor and libsecp256k1 (and libcurl, libcrypto, libssl when libdfns_bridge needs them)
  from the wheel: this fails for a wheel whose libraries were never grafted.
Exit status 0 when every check holds, 1 otherwise.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata

DIST = "dfns-bridge"
MAIN = "libdfns_bridge.so.0"
ALWAYS_FROM_WHEEL = ("libcbor", "libsecp256k1")
FROM_WHEEL_WHEN_NEEDED = ("libcurl", "libcrypto", "libssl")
# "libfoo.so.1 => /path/libfoo.so.1 (0x...)", "libfoo.so.1 => not found"; the lines without "=>"
# (linux-vdso, the loader) name no library the wheel could carry.
LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(.*?)(?:\s+\(0x[0-9a-f]+\))?\s*$")


def base_name(soname: str) -> str:
    """libcbor-361dd0f9.so.0.8.0 -> libcbor; libcurl.so.4 -> libcurl (auditwheel's <name>-<8 hex>.<rest>)."""
    return re.sub(r"-[0-9a-f]{8}(?=\.)", "", os.path.basename(soname), count=1).split(".so", 1)[0]


def is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def ldd(path: str) -> list[tuple[str, str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD", "LD_AUDIT")}
    proc = subprocess.run(["ldd", path], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"ldd {path} failed (exit {proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    return [m.groups() for m in map(LDD_LINE.match, proc.stdout.splitlines()) if m]


def main() -> int:
    try:
        dist = metadata.distribution(DIST)
    except metadata.PackageNotFoundError:
        print(f"ldd_check: FAIL: {DIST} is not installed in {sys.prefix}", file=sys.stderr)
        return 1
    files = {os.path.realpath(str(f.locate())) for f in (dist.files or [])}
    elves = sorted(p for p in files if is_elf(p))
    main_lib = next((p for p in elves if os.path.basename(p) == MAIN), None)
    if main_lib is None:
        print(f"ldd_check: FAIL: the installed {DIST} has no {MAIN}", file=sys.stderr)
        return 1
    carried = {os.path.basename(p) for p in elves}
    site = os.path.dirname(os.path.dirname(main_lib))
    rel = lambda p: os.path.relpath(p, site) if p.startswith(site + os.sep) else p  # noqa: E731

    failures = []
    main_rows = []
    for elf in elves:
        try:
            rows = ldd(elf)
        except RuntimeError as exc:
            failures.append(str(exc))
            continue
        if elf == main_lib:
            main_rows = rows
        for soname, resolved in rows:
            inside = os.path.realpath(resolved) in files if resolved.startswith("/") else False
            if resolved == "not found":
                failures.append(f"{rel(elf)}: {soname} not found")
            elif soname in carried and not inside:
                failures.append(f"{rel(elf)}: {soname} resolved to {resolved}, not to the wheel's copy")
    print(f"ldd of {rel(main_lib)} (LD_LIBRARY_PATH unset):")
    for soname, resolved in main_rows:
        print(f"    {soname:34} {rel(resolved)}")

    for lib in ALWAYS_FROM_WHEEL + FROM_WHEEL_WHEN_NEEDED:
        hits = [(s, r) for s, r in main_rows if base_name(s) == lib]
        if not hits and lib in ALWAYS_FROM_WHEEL:
            failures.append(f"{MAIN} does not need {lib} (ldd lists no {lib}*): expected it to")
        for soname, resolved in hits:
            if not (resolved.startswith("/") and os.path.realpath(resolved) in files):
                failures.append(f"{lib}: {soname} resolved to {resolved}, not to the wheel")

    if failures:
        print(f"ldd_check: {len(failures)} problem(s):", file=sys.stderr)
        for f in failures:
            print(f"    FAIL {f}", file=sys.stderr)
        return 1
    print(f"ldd_check: OK: {len(elves)} ELF files, every library resolved, each one the wheel carries from the wheel")
    return 0


if __name__ == "__main__":
    sys.exit(main())
