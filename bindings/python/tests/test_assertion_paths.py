"""The assertion hot paths against the reference path.

``verify_assertion`` has two fast paths (see dfns_bridge/verify.py):

- a kept :class:`PublicKey`: ``dfns_assertion_verify``, the result read from the verified
  authenticator data, the handle's getters only for the counter-regression flag and extensions;
- stored COSE bytes: ``dfns_assertion_verify_cose``, import and verify in one C call, no handle.

The reference is what the binding did before: ``dfns_public_key_parse_cose``,
``dfns_assertion_verify`` and every getter through the raw C API. Both paths must give the same
values for valid input and the same exception (class, status, name) for tampered input, with the
software authenticator's credentials and with the shared conformance vectors. Verifications must
release the GIL (ctypes CDLL functions), and the one-call path must be safe from many threads.
"""

from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import threading
from ctypes import byref, c_int, c_size_t, c_uint8, c_uint32, c_void_p, string_at
from pathlib import Path
from typing import Any, Callable, List, Optional, Tuple

import pytest

import dfns_bridge as db
from dfns_bridge import _lib, verify
from dfns_bridge._handle import as_bytes
from conftest import ORIGIN, RP_ID, vectors_dir
from vectors import VectorRunner, b64url, load

lib = _lib.lib
CHALLENGE = hashlib.sha256(b"assertion paths").digest()
ALGS = [db.CoseAlgorithm.ES256, db.CoseAlgorithm.EDDSA, db.CoseAlgorithm.ES256K, db.CoseAlgorithm.RS256]

Outcome = Tuple[Any, ...]


def reference(policy: db.Policy, cose: bytes, cdj: bytes, ad: bytes, sig: bytes, challenge: bytes,
              sign_count: int = 0, backup_eligible: int = -1) -> Outcome:
    """Import, verify and read every getter through the raw C API (errcheck raises)."""
    key = _lib.PublicKeyPtr()
    out = _lib.AssertionPtr()
    try:
        lib.dfns_public_key_parse_cose(cose, len(cose), byref(key))
        try:
            cred = _lib.StoredCredential(key, sign_count, backup_eligible)
            policy._read(lambda p: lib.dfns_assertion_verify(
                p, byref(cred), cdj, len(cdj), ad, len(ad), sig, len(sig), challenge, len(challenge), byref(out)))
            count, flags, regressed = c_uint32(), c_uint8(), c_int()
            ptr, length = c_void_p(), c_size_t()
            lib.dfns_assertion_sign_count(out, byref(count))
            lib.dfns_assertion_flags(out, byref(flags))
            lib.dfns_assertion_sign_count_regressed(out, byref(regressed))
            lib.dfns_assertion_extensions(out, byref(ptr), byref(length))
            extensions = string_at(ptr.value, length.value) if ptr.value else None
            return ("ok", count.value, flags.value, bool(regressed.value), extensions)
        finally:
            lib.dfns_assertion_free(byref(out))
            lib.dfns_public_key_free(byref(key))
    except db.DfnsError as exc:
        return ("error", type(exc), exc.status, exc.name)


def outcome(call: Callable[[], db.Assertion]) -> Outcome:
    try:
        result = call()
    except db.DfnsError as exc:
        return ("error", type(exc), exc.status, exc.name)
    assert isinstance(result, db.Assertion)
    assert isinstance(result.flags, db.AuthenticatorFlags)
    return ("ok", result.sign_count, int(result.flags), result.sign_count_regressed, result.extensions)


def check_paths(policy: db.Policy, cose: bytes, cdj: bytes, ad: bytes, sig: bytes, challenge: bytes,
                sign_count: int = 0, backup_eligible: Optional[bool] = None) -> Outcome:
    """Asserts that both fast paths give the reference outcome; returns it."""
    be = -1 if backup_eligible is None else int(backup_eligible)
    expected = reference(policy, cose, cdj, ad, sig, challenge, sign_count, be)
    kwargs = {"sign_count": sign_count, "backup_eligible": backup_eligible}
    cold = outcome(lambda: db.verify_assertion(policy, cose, cdj, ad, sig, challenge, **kwargs))
    assert cold == expected, "COSE one-call path"
    for data in (bytearray(cose), memoryview(cose)):
        assert outcome(lambda: db.verify_assertion(policy, data, cdj, ad, sig, challenge, **kwargs)) == expected
    try:
        key = db.PublicKey.from_cose(cose)
    except db.DfnsError as exc:
        assert expected[0] == "error" and expected[1:] == (type(exc), exc.status, exc.name)
        return expected
    with key:
        kept = outcome(lambda: db.verify_assertion(policy, key, cdj, ad, sig, challenge, **kwargs))
        assert kept == expected, "kept-key path"
        # The CTAP-level variant takes the same fast result read.
        hashed = outcome(lambda: db.verify_assertion_hash(
            policy, key, hashlib.sha256(cdj).digest(), ad, sig, **kwargs))
        if expected[0] == "ok":
            assert hashed == expected
    return expected


@pytest.fixture
def credential(authenticator, policy, request):
    """(cose, clientDataJSON, authenticatorData, signature) of a fresh assertion, for request.param."""
    alg = getattr(request, "param", db.CoseAlgorithm.ES256)
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE, alg=alg)
    with db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE) as reg:
        signed = authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, reg.credential_id)
        return reg.public_key.cose, signed.client_data_json, signed.authenticator_data, signed.signature


def flip(data: bytes, index: int, mask: int = 0x01) -> bytes:
    out = bytearray(data)
    out[index] ^= mask
    return bytes(out)


@pytest.mark.parametrize("credential", ALGS, ids=lambda a: a.name, indirect=True)
def test_valid_assertion_same_result_on_every_path(policy, credential) -> None:
    cose, cdj, ad, sig = credential
    result = check_paths(policy, cose, cdj, ad, sig, CHALLENGE)
    assert result[0] == "ok" and result[1] == int.from_bytes(ad[33:37], "big") and result[3] is False
    assert check_paths(policy, cose, cdj, ad, sig, CHALLENGE, sign_count=result[1] - 1, backup_eligible=False)[0] == "ok"


@pytest.mark.parametrize("credential", ALGS, ids=lambda a: a.name, indirect=True)
def test_tampered_input_fails_the_same_way_on_every_path(policy, credential) -> None:
    cose, cdj, ad, sig = credential
    other_challenge = flip(CHALLENGE, 0)
    cases = {
        "signature last byte": (cose, cdj, ad, flip(sig, len(sig) - 1), CHALLENGE),
        "signature middle byte": (cose, cdj, ad, flip(sig, len(sig) // 2, 0x80), CHALLENGE),
        "signature truncated": (cose, cdj, ad, sig[:-1], CHALLENGE),
        "signature empty": (cose, cdj, ad, b"", CHALLENGE),
        "counter byte": (cose, cdj, flip(ad, 36, 0x10), sig, CHALLENGE),
        "UV flag set": (cose, cdj, flip(ad, 32, 0x04), sig, CHALLENGE),
        "rpIdHash": (cose, cdj, flip(ad, 0), sig, CHALLENGE),
        "authenticator data truncated": (cose, cdj, ad[:36], sig, CHALLENGE),
        "authenticator data empty": (cose, cdj, b"", sig, CHALLENGE),
        "clientDataJSON byte": (cose, flip(cdj, len(cdj) // 2), ad, sig, CHALLENGE),
        "clientDataJSON empty": (cose, b"", ad, sig, CHALLENGE),
        "wrong challenge": (cose, cdj, ad, sig, other_challenge),
        "empty challenge": (cose, cdj, ad, sig, b""),
        "COSE truncated": (cose[:-1], cdj, ad, sig, CHALLENGE),
        "COSE trailing byte": (cose + b"\x00", cdj, ad, sig, CHALLENGE),
        "COSE empty": (b"", cdj, ad, sig, CHALLENGE),
        "COSE garbage": (b"\xa5\x01\x02\x03", cdj, ad, sig, CHALLENGE),
        "COSE byte flipped": (flip(cose, len(cose) - 3), cdj, ad, sig, CHALLENGE),
    }
    for name, args in cases.items():
        result = check_paths(policy, *args)
        assert result[0] == "error", name
        assert issubclass(result[1], db.DfnsError), name
    assert check_paths(policy, *cases["signature last byte"])[3] == "DFNS_ERR_SIGNATURE_INVALID"
    assert check_paths(policy, *cases["wrong challenge"])[3] == "DFNS_ERR_CHALLENGE_MISMATCH"
    assert check_paths(policy, *cases["empty challenge"])[1] is db.InvalidArgumentError
    assert check_paths(policy, *cases["COSE trailing byte"])[1] is db.MalformedInputError
    assert check_paths(policy, *cases["rpIdHash"])[3] == "DFNS_ERR_RP_ID_HASH_MISMATCH"


def test_other_credentials_key_and_counters(authenticator, policy, credential) -> None:
    cose, cdj, ad, sig = credential
    new_count = int.from_bytes(ad[33:37], "big")
    other = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    with db.verify_registration(policy, other.client_data_json, other.attestation_object, CHALLENGE) as reg:
        assert check_paths(policy, reg.public_key.cose, cdj, ad, sig, CHALLENGE)[3] == "DFNS_ERR_SIGNATURE_INVALID"
    # Counter not increased: rejected by default, flagged by a lenient policy (equal and greater).
    for stored in (new_count, new_count + 1, 2**32 - 1):
        result = check_paths(policy, cose, cdj, ad, sig, CHALLENGE, sign_count=stored)
        assert result[1:] == (db.AuthenticatorDataError, db.Status.SIGN_COUNT_NOT_INCREASED, "DFNS_ERR_SIGN_COUNT_NOT_INCREASED")
    with db.Policy(RP_ID, ORIGIN, flag_sign_count_regression=True) as lenient:
        for stored in (new_count, new_count + 1, 2**32 - 1):
            assert check_paths(lenient, cose, cdj, ad, sig, CHALLENGE, sign_count=stored)[3] is True
        assert check_paths(lenient, cose, cdj, ad, sig, CHALLENGE, sign_count=new_count - 1)[3] is False
    # Backup eligibility recorded as 1, the assertion says 0.
    result = check_paths(policy, cose, cdj, ad, sig, CHALLENGE, backup_eligible=True)
    assert result[3] == "DFNS_ERR_BACKUP_ELIGIBILITY_CHANGED"
    # A policy that requires UV, an assertion without it; a policy that does not allow the algorithm.
    unverified = authenticator.register(RP_ID, ORIGIN, CHALLENGE, user_verified=False)
    with db.verify_registration(policy, unverified.client_data_json, unverified.attestation_object, CHALLENGE) as reg:
        signed = authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, reg.credential_id, user_verified=False)
        args = (reg.public_key.cose, signed.client_data_json, signed.authenticator_data, signed.signature, CHALLENGE)
        assert check_paths(policy, *args)[0] == "ok"
        with db.Policy(RP_ID, ORIGIN, require_user_verification=True) as strict:
            assert check_paths(strict, *args)[3] == "DFNS_ERR_USER_VERIFICATION_MISSING"
    with db.Policy(RP_ID, ORIGIN, algorithms=["EdDSA"]) as eddsa_only:
        assert check_paths(eddsa_only, cose, cdj, ad, sig, CHALLENGE)[3] == "DFNS_ERR_ALGORITHM_NOT_ALLOWED"
    with db.Policy(RP_ID) as no_origins:
        result = check_paths(no_origins, cose, cdj, ad, sig, CHALLENGE)
        assert result[0] == "error" and issubclass(result[1], (db.ClientDataError, db.PolicyError))


def _authentication_vectors() -> List[str]:
    directory = vectors_dir()
    if not directory.is_dir():
        return []
    names = []
    for path in sorted(directory.glob("*.json")):
        vector = load(path)
        if vector.get("kind") == "authentication" and vector.get("rpId") and vector.get("origin"):
            names.append(path.name)
    return names


@pytest.mark.parametrize("name", _authentication_vectors())
def test_conformance_vectors_same_outcome_on_every_path(shared: Path, name: str) -> None:
    """Real authenticators' assertions: zero counters (the regression flag read from the handle),
    BE/BS flags, every algorithm; positive and negative vectors alike."""
    runner = VectorRunner(shared)
    vector = load(runner.dir / name)
    cdj = b64url(vector["clientDataJSON_b64url"])
    origins = runner._origins(vector)
    assert origins is not None
    challenge = runner._challenge(vector, cdj)
    with runner.policy(vector, vector["rpId"], origins) as policy:
        result = check_paths(
            policy,
            b64url(vector["credentialPublicKey_b64url"]),
            cdj,
            b64url(vector["authenticatorData_b64url"]),
            b64url(vector["signature_b64url"]),
            challenge,
            sign_count=int(vector.get("currentSignCount") or 0),
        )
    if str(vector.get("expected", "")).startswith("ok") and result[0] == "ok":
        if vector.get("expected_newSignCount") is not None:
            assert result[1] == vector["expected_newSignCount"]


def test_argument_errors_before_any_c_call(policy, credential) -> None:
    cose, cdj, ad, sig = credential
    with pytest.raises(TypeError):
        db.verify_assertion(policy, cose.hex(), cdj, ad, sig, CHALLENGE)
    with pytest.raises(TypeError):
        db.verify_assertion(policy, [1, 2], cdj, ad, sig, CHALLENGE)
    with pytest.raises(TypeError):
        db.verify_assertion(policy, cose, cdj.decode(), ad, sig, CHALLENGE)
    with pytest.raises(TypeError):
        db.verify_assertion(policy, cose, cdj, ad, sig, CHALLENGE, sign_count=True)
    with pytest.raises(ValueError):
        db.verify_assertion(policy, cose, cdj, ad, sig, CHALLENGE, sign_count=2**32)
    with pytest.raises(TypeError):
        db.verify_assertion(object(), cose, cdj, ad, sig, CHALLENGE)
    with pytest.raises(TypeError):
        db.verify_assertion_hash(policy, "key", bytes(32), ad, sig)


def test_closed_policy_on_the_cose_path(authenticator, credential) -> None:
    cose, cdj, ad, sig = credential
    policy = db.Policy(RP_ID, ORIGIN)
    assert db.verify_assertion(policy, cose, cdj, ad, sig, CHALLENGE).sign_count > 0
    policy.close()
    with pytest.raises(ValueError):
        db.verify_assertion(policy, cose, cdj, ad, sig, CHALLENGE)


def test_results_are_the_same_frozen_dataclass(policy, credential) -> None:
    cose, cdj, ad, sig = credential
    cold = db.verify_assertion(policy, cose, cdj, ad, sig, CHALLENGE)
    with db.PublicKey.from_cose(cose) as key:
        kept = db.verify_assertion(policy, key, cdj, ad, sig, CHALLENGE)
    assert type(cold) is type(kept) is db.Assertion
    assert cold == kept and hash(cold) == hash(kept)
    assert repr(cold) == repr(kept) and repr(kept).startswith("Assertion(sign_count=")
    assert [f.name for f in dataclasses.fields(kept)] == ["sign_count", "flags", "sign_count_regressed", "extensions"]
    assert dataclasses.asdict(kept) == dataclasses.asdict(cold)
    with pytest.raises(dataclasses.FrozenInstanceError):
        kept.sign_count = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        cold.flags = db.AuthenticatorFlags(0)  # type: ignore[misc]
    assert dataclasses.replace(kept, sign_count=7).sign_count == 7
    assert kept.user_present and kept.user_verified and not kept.backup_eligible and not kept.backed_up


def test_cose_result_hands_extensions_back_to_dfns_free() -> None:
    """The extensions buffer of dfns_assertion_info is copied and released with dfns_free (which is
    free(3)); no authenticator here emits extensions, so the buffer comes from malloc(3)."""
    libc = ctypes.CDLL(None)
    libc.malloc.restype = c_void_p
    libc.malloc.argtypes = [c_size_t]
    cbor = b"\xa1\x6bcredProtect\x02"
    pointer = libc.malloc(len(cbor) + 1)
    assert pointer
    ctypes.memmove(pointer, cbor, len(cbor))
    info = _lib.AssertionInfo(sign_count=9, flags=0x85, sign_count_regressed=1, extensions=pointer,
                              extensions_len=len(cbor))
    result = verify._cose_result(info)
    assert result == db.Assertion(sign_count=9, flags=db.AuthenticatorFlags(0x85), sign_count_regressed=True,
                                  extensions=cbor)
    empty = verify._cose_result(_lib.AssertionInfo())
    assert empty.extensions is None and empty.sign_count_regressed is False


def test_kept_result_reads_the_handle_when_the_bytes_do_not_say(policy, credential) -> None:
    """With the ED flag (or a counter that did not increase), the regression flag and extensions come
    from the handle's getters; the handle is freed either way."""
    cose, cdj, ad, sig = credential
    with db.PublicKey.from_cose(cose) as key, db.Policy(RP_ID, ORIGIN, flag_sign_count_regression=True) as lenient:
        for pol, stored, ad_seen, regressed in ((policy, 0, flip(ad, 32, 0x80), False), (lenient, 2**31, ad, True)):
            out = _lib.AssertionPtr()
            cred = _lib.StoredCredential(key._ptr, stored, -1)
            lib.dfns_assertion_verify(pol._ptr, byref(cred), cdj, len(cdj), ad, len(ad), sig, len(sig), CHALLENGE,
                                      len(CHALLENGE), byref(out))
            result = verify._kept_result(out, ad_seen, stored)
            assert not out  # freed
            assert result.sign_count == int.from_bytes(ad[33:37], "big")
            assert int(result.flags) == ad_seen[32]
            assert result.sign_count_regressed is regressed
            assert result.extensions is None


def test_verifications_release_the_gil() -> None:
    """ctypes releases the GIL around calls of CDLL functions (not of PyDLL ones, flagged
    FUNCFLAG_PYTHONAPI); only the trivial getters and frees keep it."""
    assert type(lib) is ctypes.CDLL
    for func in (verify._assertion_verify, verify._assertion_verify_hash, verify._assertion_verify_cose,
                 lib.dfns_assertion_verify, lib.dfns_assertion_verify_cose, lib.dfns_registration_verify):
        assert not func._flags_ & ctypes._FUNCFLAG_PYTHONAPI, func.__name__
    for func in (verify._assertion_free, verify._assertion_regressed, verify._assertion_extensions, verify._dfns_free):
        assert func._flags_ & ctypes._FUNCFLAG_PYTHONAPI, func.__name__
    with pytest.raises(KeyError):
        _lib.unchecked("dfns_no_such_function", hold_gil=True)


def test_raw_verify_cose_arguments(policy, credential) -> None:
    """The C function through ctypes: NULLs and bad values give statuses, never crashes."""
    cose, cdj, ad, sig = credential
    info = _lib.AssertionInfo()
    lib.dfns_assertion_verify_cose(policy._ptr, cose, len(cose), 0, -1, cdj, len(cdj), ad, len(ad), sig, len(sig),
                                   CHALLENGE, len(CHALLENGE), byref(info))
    assert info.sign_count == int.from_bytes(ad[33:37], "big") and info.flags == ad[32] and not info.extensions
    lib.dfns_assertion_verify_cose(policy._ptr, cose, len(cose), 0, -1, cdj, len(cdj), ad, len(ad), sig, len(sig),
                                   CHALLENGE, len(CHALLENGE), None)
    bad_calls = [
        (None, cose, len(cose), 0, -1, cdj, len(cdj), ad, len(ad), sig, len(sig), CHALLENGE, len(CHALLENGE)),
        (policy._ptr, None, 5, 0, -1, cdj, len(cdj), ad, len(ad), sig, len(sig), CHALLENGE, len(CHALLENGE)),
        (policy._ptr, cose, len(cose), 0, 2, cdj, len(cdj), ad, len(ad), sig, len(sig), CHALLENGE, len(CHALLENGE)),
        (policy._ptr, cose, len(cose), 0, -1, None, 9, ad, len(ad), sig, len(sig), CHALLENGE, len(CHALLENGE)),
        (policy._ptr, cose, len(cose), 0, -1, cdj, len(cdj), ad, len(ad), sig, len(sig), None, 0),
        (policy._ptr, cose, len(cose), 0, -1, cdj, len(cdj), ad, len(ad), sig, 2**63, CHALLENGE, len(CHALLENGE)),
    ]
    for args in bad_calls:
        info = _lib.AssertionInfo(sign_count=5, flags=5, sign_count_regressed=1, extensions_len=3)
        with pytest.raises(db.InvalidArgumentError) as exc_info:
            lib.dfns_assertion_verify_cose(*args, byref(info))
        assert exc_info.value.function == "dfns_assertion_verify_cose"
        assert exc_info.value.message.startswith("dfns_assertion_verify_cose: ")
        assert (info.sign_count, info.flags, info.sign_count_regressed, info.extensions, info.extensions_len) == (0, 0, 0, None, 0)
    with pytest.raises(db.MalformedInputError):
        lib.dfns_assertion_verify_cose(policy._ptr, cose[:3], 3, 0, -1, cdj, len(cdj), ad, len(ad), sig, len(sig),
                                       CHALLENGE, len(CHALLENGE), None)


def test_cose_path_from_eight_threads(authenticator) -> None:
    """dfns_assertion_verify_cose on one shared policy from 8 Python threads: every valid call gives
    the reference result, every tampered one the reference exception."""
    with db.Policy(RP_ID, ORIGIN) as policy:
        items = []
        for alg in (db.CoseAlgorithm.ES256, db.CoseAlgorithm.EDDSA):
            created = authenticator.register(RP_ID, ORIGIN, CHALLENGE, alg=alg)
            with db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE) as reg:
                for i in range(4):
                    challenge = hashlib.sha256(b"thread %d" % i).digest()
                    s = authenticator.authenticate(RP_ID, ORIGIN, challenge, reg.credential_id)
                    args = (reg.public_key.cose, s.client_data_json, s.authenticator_data, s.signature, challenge)
                    items.append((args, reference(policy, *args)))
                    bad = (args[0], args[1], args[2], flip(args[3], len(args[3]) - 1), args[4])
                    items.append((bad, reference(policy, *bad)))
        assert {item[1][0] for item in items} == {"ok", "error"}
        barrier = threading.Barrier(8)
        failures: List[str] = []

        def body(index: int) -> None:
            try:
                barrier.wait()
                for round_index in range(40):
                    args, expected = items[(index + round_index) % len(items)]
                    got = outcome(lambda: db.verify_assertion(policy, *args))
                    if got != expected:
                        failures.append(f"thread {index} round {round_index}: {got} != {expected}")
            except BaseException as exc:  # reported on the main thread
                failures.append(f"thread {index}: {exc!r}")

        threads = [threading.Thread(target=body, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
            assert not t.is_alive()
        assert not failures, failures[:5]


def test_bytes_like_arguments_on_both_fast_paths(policy, credential) -> None:
    """``bytes`` arguments go to C as they are (no copy); bytearray and memoryview arguments are
    accepted on both fast paths and give the same result."""
    cose, cdj, ad, sig = credential
    for data in (cose, cdj, ad, sig, CHALLENGE):
        assert as_bytes(data, "argument") is data
    expected = db.verify_assertion(policy, cose, cdj, ad, sig, CHALLENGE)
    with db.PublicKey.from_cose(cose) as key:
        for wrap in (bytearray, memoryview):
            args = (wrap(cdj), wrap(ad), wrap(sig), wrap(CHALLENGE))
            assert db.verify_assertion(policy, key, *args) == expected, wrap.__name__
            assert db.verify_assertion(policy, wrap(cose), *args) == expected, wrap.__name__
