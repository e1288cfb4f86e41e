#!/usr/bin/env python3
"""The Python half of the C-ABI benchmark: ES256 assertion verifications per second.

Cases (each runs for a fixed time, the first argument in seconds; default 2):

- binding, kept key: ``verify_assertion`` with a ``PublicKey`` imported once (the fast path);
- binding, COSE import per call: ``verify_assertion`` given the stored COSE_Key bytes (cold path);
- raw ``cryptography``: ECDSA P-256 verification of the same signature with a pre-loaded key over
  authenticatorData || SHA-256(clientDataJSON) (the hash computed in the loop, as the binding does);
- binding, kept key, on 1 and 2 Python threads (ctypes releases the GIL around the C call).

Ratios are binding / raw (target >= 0.85 for the kept key). Numbers depend on the machine and on
what else runs on it: it is a benchmark, not a test.

    DFNS_BRIDGE_LIBRARY=build/lib/libdfns_bridge.so.0 PYTHONPATH=bindings/python python3 bench/python_bench.py 2
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import threading
import time
from pathlib import Path
from typing import Callable, List, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if not os.environ.get("DFNS_BRIDGE_LIBRARY") and (REPO / "build/lib/libdfns_bridge.so.0").exists():
    os.environ["DFNS_BRIDGE_LIBRARY"] = str(REPO / "build/lib/libdfns_bridge.so.0")
try:
    import dfns_bridge  # noqa: F401  (installed)
except ImportError:
    sys.path.insert(0, str(REPO / "bindings" / "python"))

import dfns_bridge as db  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

RP_ID = "example.org"
ORIGIN = "https://example.org"
BATCH = 64  # calls between clock reads


def run_for(seconds: float, op: Callable[[], object]) -> Tuple[int, float]:
    """Calls ``op`` in batches until ``seconds`` have passed; returns (calls, elapsed)."""
    calls = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(BATCH):
            op()
        calls += BATCH
        now = time.perf_counter()
        if now >= deadline:
            return calls, now - start


def run_threads(seconds: float, op: Callable[[], object], threads: int) -> Tuple[int, float]:
    """Runs ``op`` on ``threads`` Python threads at once for ``seconds``; returns (total calls, elapsed)."""
    barrier = threading.Barrier(threads + 1)
    counts: List[int] = [0] * threads
    stop = threading.Event()

    def body(index: int) -> None:
        barrier.wait()
        n = 0
        while not stop.is_set():
            for _ in range(BATCH):
                op()
            n += BATCH
        counts[index] = n

    workers = [threading.Thread(target=body, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    barrier.wait()
    start = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for w in workers:
        w.join()
    return sum(counts), time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seconds", nargs="?", type=float, default=2.0, help="seconds per case (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="repeat every case and keep the best (default 3; the first round also warms up)")
    args = parser.parse_args()
    if args.seconds <= 0:
        parser.error("seconds must be positive")

    with db.Policy(RP_ID, ORIGIN) as policy, db.SoftwareAuthenticator() as device:
        challenge = hashlib.sha256(b"bench registration").digest()
        created = device.register(RP_ID, ORIGIN, challenge, alg=db.CoseAlgorithm.ES256)
        with db.verify_registration(policy, created.client_data_json, created.attestation_object, challenge) as reg:
            key = reg.public_key
            cose = key.cose
            challenge = hashlib.sha256(b"bench assertion").digest()
            s = device.authenticate(RP_ID, ORIGIN, challenge, reg.credential_id)
            cdj, ad, sig = s.client_data_json, s.authenticator_data, s.signature
            raw_key = serialization.load_der_public_key(key.spki)
            assert isinstance(raw_key, ec.EllipticCurvePublicKey)
            ecdsa = ec.ECDSA(hashes.SHA256())
            sha256 = hashlib.sha256

            def kept() -> object:
                return db.verify_assertion(policy, key, cdj, ad, sig, challenge)

            def cold() -> object:
                return db.verify_assertion(policy, cose, cdj, ad, sig, challenge)

            def raw() -> None:
                raw_key.verify(sig, ad + sha256(cdj).digest(), ecdsa)

            for op in (kept, cold, raw):  # every path verifies before timing
                op()

            best = {}
            for _ in range(args.rounds):
                for name, op in (("kept", kept), ("cold", cold), ("raw", raw)):
                    calls, elapsed = run_for(args.seconds, op)
                    best[name] = max(best.get(name, 0.0), calls / elapsed)
                for threads in (1, 2):
                    calls, elapsed = run_threads(args.seconds, kept, threads)
                    name = f"threads{threads}"
                    best[name] = max(best.get(name, 0.0), calls / elapsed)

    raw_rate = best["raw"]
    rows = [
        ("binding, kept PublicKey", best["kept"], best["kept"] / raw_rate),
        ("binding, COSE import per call", best["cold"], best["cold"] / raw_rate),
        ("raw cryptography (pre-loaded key)", raw_rate, 1.0),
        ("binding, kept key, 1 thread", best["threads1"], best["threads1"] / raw_rate),
        ("binding, kept key, 2 threads", best["threads2"], best["threads2"] / raw_rate),
    ]
    print(f"ES256 assertion verification, {args.seconds:g} s per case, best of {args.rounds}; "
          f"dfns_bridge {db.version()}, cpus {os.cpu_count()}, load {os.getloadavg()[0]:.2f}")
    print(f"{'case':<36} {'verifications/s':>16} {'us/op':>9} {'vs raw':>8}")
    for name, rate, ratio in rows:
        print(f"{name:<36} {rate:>16,.0f} {1e6 / rate:>9.1f} {ratio:>8.2f}")
    scaling = best["threads2"] / best["threads1"]
    kept_ratio = best["kept"] / raw_rate
    print(f"2-thread / 1-thread scaling: {scaling:.2f}x")
    print(f"kept-key ratio {kept_ratio:.2f} (target >= 0.85): {'met' if kept_ratio >= 0.85 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
