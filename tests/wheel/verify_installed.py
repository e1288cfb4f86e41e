"""Exercises the installed dfns-bridge wheel through its grafted libraries, then checks in
/proc/self/maps which files the process really mapped. Run by check-wheel.sh with the python of the
venv the wheel is installed in, from a directory outside the repository, without
DFNS_BRIDGE_LIBRARY. Uses only the standard library and the stable part of the binding's API.

    python verify_installed.py [--with-host-openssl]

1. imports dfns_bridge and checks that it loaded the libdfns_bridge.so.0 of the installed package;
2. registers and asserts with the software authenticator for ES256 and RS256 (OpenSSL's libcrypto),
   EdDSA (Ed25519, OpenSSL) and ES256K (libsecp256k1), every attestation object going through libcbor,
   each verified by the library; a tampered signature must be rejected;
3. asks the grafted libcrypto what it is (version, OPENSSLDIR, MODULESDIR) and checks that its
   default provider is available: OpenSSL 3 loads its configuration and providers from the paths
   compiled into the Debian build, which a bare host may lack, and the library must work either way;
4. when libcurl was grafted, asks it for its version and TLS backend;
5. reads /proc/self/maps: libcbor, libsecp256k1, libcurl and the libcrypto libdfns_bridge uses must be
   mapped from the wheel, and no system copy of libcbor, libsecp256k1 or libcurl may be mapped.

--with-host-openssl first imports Python's own ssl and hashlib modules, so that the host's libcrypto is
in the process too (the usual case in a real service): both copies must coexist.
Prints one line per check; exits 1 on the first failure.
"""

from __future__ import annotations

import ctypes
import os
import sys

from ldd_check import base_name as lib_key  # auditwheel's hashed names: libcbor-1a2b3c4d.so.0 -> libcbor


def fail(message: str) -> "None":
    print(f"verify_installed: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def mapped_files():
    paths = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[5].startswith("/"):
                paths.add(parts[5].strip())
    return paths


def main() -> int:
    if "--with-host-openssl" in sys.argv[1:]:
        try:
            import hashlib  # noqa: F401
            import ssl

            print(f"host OpenSSL loaded first: {ssl.OPENSSL_VERSION}")
        except ImportError as exc:
            print(f"host OpenSSL not available to Python ({exc}): coexistence not exercised")

    if os.environ.get("DFNS_BRIDGE_LIBRARY"):
        fail("DFNS_BRIDGE_LIBRARY is set: this check must load the library shipped in the wheel")
    import dfns_bridge as db

    package_dir = os.path.dirname(os.path.realpath(db.__file__))
    site = os.path.dirname(package_dir)
    expected = os.path.join(package_dir, "libdfns_bridge.so.0")
    if os.path.realpath(str(db.library_path)) != os.path.realpath(expected):
        fail(f"dfns_bridge loaded {db.library_path}, not the library of the installed package ({expected})")
    print(f"dfns_bridge {db.version()} loaded {db.library_path}")
    libs_dirs = [d for d in (os.path.join(site, "dfns_bridge.libs"), os.path.join(package_dir, ".libs")) if os.path.isdir(d)]
    if not libs_dirs:
        fail(f"no grafted-library directory (dfns_bridge.libs) next to {package_dir}: the wheel was not repaired")
    libs_dir = libs_dirs[0]
    grafted = {lib_key(n): os.path.join(libs_dir, n) for n in os.listdir(libs_dir)}

    # 2. Verification paths through libcrypto, libsecp256k1 and libcbor.
    rp, origin = "example.org", "https://example.org"
    with db.Policy(rp, origin) as policy, db.SoftwareAuthenticator() as device:
        for alg, backend in (("ES256", "OpenSSL EC"), ("RS256", "OpenSSL RSA"), ("EDDSA", "OpenSSL Ed25519"), ("ES256K", "libsecp256k1")):
            challenge = os.urandom(32)
            created = device.register(rp, origin, challenge, alg=db.CoseAlgorithm[alg], attestation="packed-self", user_handle=b"u")
            with db.verify_registration(policy, created.client_data_json, created.attestation_object, challenge) as reg:
                challenge = os.urandom(32)
                signed = device.authenticate(rp, origin, challenge, reg.credential_id)
                db.verify_assertion(
                    policy, reg.public_key, signed.client_data_json, signed.authenticator_data, signed.signature,
                    challenge, sign_count=reg.sign_count,
                )
                bad = bytearray(signed.signature)
                bad[len(bad) // 2] ^= 0x01
                try:
                    db.verify_assertion(
                        policy, reg.public_key, signed.client_data_json, signed.authenticator_data, bytes(bad),
                        challenge, sign_count=reg.sign_count,
                    )
                except db.DfnsError as exc:
                    rejected = exc.name
                else:
                    fail(f"{alg}: a tampered signature was accepted")
                print(f"{alg:7} ({backend}): packed self attestation (CBOR) and assertion verified; tampered signature -> {rejected}")

    # 3. The grafted libcrypto (already loaded: same file, same instance).
    crypto_path = grafted.get("libcrypto")
    if crypto_path is None:
        fail(f"libcrypto is not grafted in {libs_dir}")
    crypto = ctypes.CDLL(crypto_path)
    crypto.OpenSSL_version.restype = ctypes.c_char_p
    crypto.OpenSSL_version.argtypes = [ctypes.c_int]
    crypto.OPENSSL_info.restype = ctypes.c_char_p
    crypto.OPENSSL_info.argtypes = [ctypes.c_int]
    crypto.OSSL_PROVIDER_available.restype = ctypes.c_int
    crypto.OSSL_PROVIDER_available.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    version = crypto.OpenSSL_version(0).decode()
    confdir = (crypto.OPENSSL_info(1001) or b"?").decode()  # OPENSSL_INFO_CONFIG_DIR
    moddir = (crypto.OPENSSL_info(1003) or b"?").decode()  # OPENSSL_INFO_MODULES_DIR
    if not crypto.OSSL_PROVIDER_available(None, b"default"):
        fail(f"the grafted {version}: the default provider is not available")
    cnf = os.environ.get("OPENSSL_CONF") or os.path.join(confdir, "openssl.cnf")
    modules = sorted(os.listdir(moddir)) if os.path.isdir(moddir) else []
    print(
        f"grafted libcrypto: {version}; default provider available; config {cnf} "
        f"({'present' if os.path.isfile(cnf) else 'absent'} here); MODULESDIR {moddir} "
        f"({', '.join(modules) if modules else 'no modules here'})"
    )

    # 4. The grafted libcurl, when the library needs it.
    curl_path = grafted.get("libcurl")
    if curl_path:
        curl = ctypes.CDLL(curl_path)
        curl.curl_version.restype = ctypes.c_char_p
        print(f"grafted libcurl: {curl.curl_version().decode()}")
    else:
        print("libcurl: not grafted (this build of the library does not need it)")

    # 5. What the process really mapped.
    maps = mapped_files()
    wheel_dirs = (package_dir + os.sep, os.path.realpath(libs_dir) + os.sep)
    for key in ("libcbor", "libsecp256k1", "libcurl", "libcrypto"):
        if key == "libcurl" and not curl_path:
            continue
        ours = sorted(p for p in maps if lib_key(p) == key and p.startswith(wheel_dirs))
        system = sorted(p for p in maps if lib_key(p) == key and not p.startswith(wheel_dirs))
        if not ours:
            fail(f"{key} is not mapped from the wheel ({libs_dir})")
        if system and key != "libcrypto":
            fail(f"a system {key} is mapped too: {', '.join(system)}")
        extra = f"; the host's own copy is mapped too ({', '.join(system)}), used by Python's ssl/hashlib" if system else ""
        print(f"mapped {key}: {os.path.relpath(ours[0], site)}{extra}")
    print("verify_installed: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
