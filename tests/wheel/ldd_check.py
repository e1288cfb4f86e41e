"""Checks with ldd that the installed dfns-bridge wheel resolves every shared library it needs from
inside the wheel or from a short allowlist of base-system libraries. Run by check-wheel.sh with the
python of the venv the wheel is installed in (only the standard library is used).

    python ldd_check.py [--policy-json PATH]

For every ELF file the installed distribution lists (libdfns_bridge.so.0 and each grafted library in
dfns_bridge.libs/), `ldd` is run with LD_LIBRARY_PATH and LD_PRELOAD removed, and each line is judged:

- ``wheel``: the library resolved to a file of the installed distribution (its RECORD);
- ``base``: the soname is on BASE_SYSTEM below and resolved outside the wheel;
- anything else fails: ``not found``, or a library outside the wheel that is not on the allowlist
  (a dependency auditwheel should have grafted, picked up from this machine's -dev packages).

libcbor and libsecp256k1 must be needed by libdfns_bridge and resolve from the wheel; libcurl,
libcrypto and libssl must too whenever the library needs them (libcurl arrives with the Dfns
client's default transport). With --policy-json (auditwheel's manylinux-policy.json) the allowlist is
also checked to lie inside the whitelist of the policy the wheel is tagged with.
Exit status 0 when every check holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from importlib import metadata

DIST = "dfns-bridge"
MAIN = "libdfns_bridge.so.0"

# The base system a manylinux wheel may assume: the manylinux policy's whitelist (PEP 600 /
# auditwheel's manylinux-policy.json) less its X11/GL/GLib entries, which this library never needs.
# Everything else must come from the wheel.
BASE_SYSTEM = {
    "libc.so.6": "glibc",
    "libm.so.6": "glibc (math)",
    "libmvec.so.1": "glibc (vector math)",
    "libdl.so.2": "glibc (dlopen; merged into libc since 2.34)",
    "libpthread.so.0": "glibc (threads; merged into libc since 2.34)",
    "librt.so.1": "glibc (realtime; merged into libc since 2.34)",
    "libresolv.so.2": "glibc (DNS resolver, used by Kerberos through libcurl)",
    "libanl.so.1": "glibc (async name lookup)",
    "libnsl.so.1": "glibc (NIS)",
    "libutil.so.1": "glibc (pty helpers)",
    "libgcc_s.so.1": "GCC runtime (unwinder), on every glibc system",
    "libstdc++.so.6": "GCC C++ runtime, used by the statically linked Swift runtime",
    "libatomic.so.1": "GCC atomics runtime",
    "libz.so.1": "zlib, whitelisted by every manylinux policy",
    "libexpat.so.1": "expat, whitelisted by manylinux_2_35 and later",
}
# The dynamic loader and the kernel's vDSO: part of every process, never in a wheel.
LOADER = re.compile(r"^(ld-linux[-\w.]*\.so\.\d+|ld64\.so\.\d+|linux-vdso\.so\.\d+|linux-gate\.so\.\d+)$")
# Libraries that must come from the wheel: always, and when needed.
ALWAYS_FROM_WHEEL = ("libcbor", "libsecp256k1")
FROM_WHEEL_WHEN_NEEDED = ("libcurl", "libcrypto", "libssl")

LDD_LINE = re.compile(r"^\s*(?P<name>\S+)(?:\s+=>\s+(?P<path>.*?))?(?:\s+\(0x[0-9a-f]+\))?\s*$")


def base_name(soname: str) -> str:
    """libcbor-361dd0f9.so.0.8.0 -> libcbor; libcurl.so.4 -> libcurl; libldap-2-062bb940.5.so.0 -> libldap-2.5."""
    name = re.sub(r"-[0-9a-f]{8}(?=\.)", "", os.path.basename(soname), count=1)
    return name.split(".so", 1)[0]


def is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def ldd(path: str):
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD", "LD_AUDIT")}
    proc = subprocess.run(["ldd", path], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"ldd {path} failed (exit {proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    rows = []
    for line in proc.stdout.splitlines():
        if not line.strip() or "statically linked" in line:
            continue
        m = LDD_LINE.match(line)
        if not m:
            raise RuntimeError(f"cannot parse ldd output line for {path}: {line!r}")
        name, resolved = m.group("name"), m.group("path")
        if resolved is None:  # "/lib64/ld-linux-x86-64.so.2 (0x...)" or "linux-vdso.so.1 (0x...)"
            resolved = name if name.startswith("/") else ""
            name = os.path.basename(name)
        rows.append((name, resolved.strip()))
    return rows


def wheel_files():
    try:
        dist = metadata.distribution(DIST)
    except metadata.PackageNotFoundError:
        raise SystemExit(f"ldd_check: the {DIST} distribution is not installed in {sys.prefix}")
    files = {os.path.realpath(str(f.locate())) for f in (dist.files or [])}
    if not files:
        raise SystemExit(f"ldd_check: {DIST} has no RECORD of installed files")
    return dist, files


def policy_whitelist(policy_json: str, wheel_tags):
    plats = {t.split("-", 2)[2] for t in wheel_tags}
    with open(policy_json) as f:
        policies = json.load(f)
    names = set()
    for plat in plats:
        m = re.match(r"^(manylinux(?:_\d+_\d+|\d+))_\w+$", plat)
        if m:
            names.add(m.group(1))
    for policy in policies:
        if policy["name"] in names or names & set(policy.get("aliases", [])):
            return policy["name"], set(policy["lib_whitelist"])
    return None, None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy-json", help="auditwheel's manylinux-policy.json, to check the allowlist against")
    args = parser.parse_args()

    dist, files = wheel_files()
    wheel_meta = dist.read_text("WHEEL") or ""
    tags = [line.split(": ", 1)[1] for line in wheel_meta.splitlines() if line.startswith("Tag: ")]
    main_lib = next((p for p in files if os.path.basename(p) == MAIN), None)
    if main_lib is None:
        print(f"ldd_check: FAIL: the installed {DIST} has no {MAIN}", file=sys.stderr)
        return 1
    elves = sorted(p for p in files if is_elf(p))
    root = os.path.commonpath(elves + [os.path.dirname(main_lib)])
    rel = lambda p: os.path.relpath(p, root) if p.startswith(root + os.sep) else p  # noqa: E731

    print(f"installed: {DIST} {dist.version}, tags {', '.join(tags) or '?'}, in {root}")
    print("allowed from the base system (the manylinux whitelist, less X11/GL/GLib):")
    for soname, why in BASE_SYSTEM.items():
        print(f"    {soname:18} {why}")
    print("    ld-linux*/linux-vdso  the dynamic loader and the kernel's vDSO")

    failures = []
    if args.policy_json:
        name, whitelist = policy_whitelist(args.policy_json, tags)
        if whitelist is None:
            failures.append(f"no policy in {args.policy_json} matches the wheel's tags {tags}")
        else:
            extra = sorted(set(BASE_SYSTEM) - whitelist)
            if extra:
                failures.append(f"allowlist entries outside auditwheel's {name} whitelist: {', '.join(extra)}")
            else:
                print(f"allowlist checked: inside auditwheel's {name} whitelist")

    print(f"\nldd of {rel(main_lib)} (LD_LIBRARY_PATH unset):")
    print(f"    {'library':34} {'from':6} resolved to")
    results = {}
    for elf in [main_lib] + [p for p in elves if p != main_lib]:
        try:
            rows = ldd(elf)
        except RuntimeError as exc:
            failures.append(str(exc))
            continue
        verdicts = []
        for soname, resolved in rows:
            real = os.path.realpath(resolved) if resolved.startswith("/") else ""
            if LOADER.match(soname):
                verdict = "base"
            elif resolved in ("not found", ""):
                verdict = "FAIL"
                failures.append(f"{rel(elf)}: {soname} not found")
            elif real in files:
                verdict = "wheel"
            elif soname in BASE_SYSTEM:
                verdict = "base"
            else:
                verdict = "FAIL"
                failures.append(
                    f"{rel(elf)}: {soname} resolved to {resolved}, outside the wheel and not a base-system library"
                )
            verdicts.append((soname, verdict, resolved))
            if elf == main_lib:
                shown = rel(resolved) if verdict == "wheel" else (resolved or "(kernel)")
                print(f"    {soname:34} {verdict:6} {shown}")
        results[elf] = verdicts

    print(f"\nldd of each grafted library ({len(elves) - 1}):")
    for elf in elves:
        if elf == main_lib or elf not in results:
            continue
        v = results[elf]
        counts = {k: sum(1 for _, verdict, _ in v if verdict == k) for k in ("wheel", "base", "FAIL")}
        print(
            f"    {rel(elf):52} {len(v):2} libraries: {counts['wheel']} wheel, {counts['base']} base"
            + (f", {counts['FAIL']} FAIL" if counts["FAIL"] else "")
        )

    main_rows = results.get(main_lib, [])
    print()
    for lib in (ALWAYS_FROM_WHEEL + FROM_WHEEL_WHEN_NEEDED) if main_lib in results else ():
        hits = [(s, v, r) for s, v, r in main_rows if base_name(s) == lib]
        if not hits:
            if lib in ALWAYS_FROM_WHEEL:
                failures.append(f"{MAIN} does not need {lib} (ldd lists no {lib}*): expected it to")
            else:
                print(f"{lib}: not needed by this build of {MAIN}")
            continue
        for soname, verdict, resolved in hits:
            if verdict == "wheel":
                print(f"{lib}: {soname} from the wheel ({rel(resolved)})")
            else:
                failures.append(f"{lib}: {soname} resolved to {resolved or 'nothing'}, not to the wheel")

    if failures:
        print(f"\nldd_check: {len(failures)} problem(s):", file=sys.stderr)
        for f in failures:
            print(f"    FAIL {f}", file=sys.stderr)
        return 1
    print(f"ldd_check: OK: every library of {len(elves)} ELF files resolves from the wheel or the base system")
    return 0


if __name__ == "__main__":
    sys.exit(main())
