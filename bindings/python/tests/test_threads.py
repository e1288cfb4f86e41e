"""Four Python threads verifying concurrently on shared policy and key handles (the GIL is released)."""

from __future__ import annotations

import hashlib
import threading
from typing import List

import pytest

import dfns_bridge as db
from conftest import ORIGIN, RP_ID

THREADS = 4
ITERATIONS = 150


def _run_threads(target, n: int = THREADS) -> List[BaseException]:
    barrier = threading.Barrier(n)
    failures: List[BaseException] = []
    lock = threading.Lock()

    def body(index: int) -> None:
        try:
            barrier.wait()
            target(index)
        except BaseException as exc:  # collected and asserted on the main thread
            with lock:
                failures.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
        assert not t.is_alive()
    return failures


@pytest.mark.parametrize("alg", [db.CoseAlgorithm.ES256, db.CoseAlgorithm.EDDSA], ids=lambda a: a.name)
def test_concurrent_assertions_on_shared_policy_and_key(authenticator, alg) -> None:
    challenge = b"shared challenge"
    with db.Policy(RP_ID, ORIGIN) as policy:
        created = authenticator.register(RP_ID, ORIGIN, challenge, alg=alg)
        with db.verify_registration(policy, created.client_data_json, created.attestation_object, challenge) as reg:
            key = reg.public_key
            signed = [
                (c, authenticator.authenticate(RP_ID, ORIGIN, c, reg.credential_id))
                for c in (hashlib.sha256(b"%d" % i).digest() for i in range(8))
            ]

            def verify(index: int) -> None:
                for i in range(ITERATIONS):
                    c, s = signed[(index + i) % len(signed)]
                    result = db.verify_assertion(
                        policy, key, s.client_data_json, s.authenticator_data, s.signature, c
                    )
                    assert result.sign_count >= 1
                    key.verify(s.authenticator_data + hashlib.sha256(s.client_data_json).digest(), s.signature)
                    assert policy.require_user_presence is True

            assert _run_threads(verify) == []


def test_concurrent_registrations_and_authenticator_use() -> None:
    with db.Policy(RP_ID, ORIGIN) as policy, db.SoftwareAuthenticator() as device:

        def work(index: int) -> None:
            for i in range(25):
                challenge = b"%d-%d" % (index, i)
                created = device.register(RP_ID, ORIGIN, challenge, alg=[-7, -8, -47, -7][index])
                with db.verify_registration(policy, created.client_data_json, created.attestation_object, challenge) as reg:
                    signed = device.authenticate(RP_ID, ORIGIN, challenge, reg.credential_id)
                    db.verify_assertion(
                        policy, reg.public_key.cose, signed.client_data_json, signed.authenticator_data, signed.signature, challenge
                    )

        assert _run_threads(work) == []


def test_error_messages_are_per_thread(authenticator) -> None:
    """Each thread sees its own failure's status and message, even when failures interleave."""
    with db.Policy(RP_ID, ORIGIN) as policy:
        created = authenticator.register(RP_ID, ORIGIN, b"right", alg=db.CoseAlgorithm.ES256)
        with db.verify_registration(policy, created.client_data_json, created.attestation_object, b"right") as reg:
            s = authenticator.authenticate(RP_ID, ORIGIN, b"right", reg.credential_id)
            bad_sig = bytes(s.signature[:-1]) + bytes([s.signature[-1] ^ 1])

            def fail(index: int) -> None:
                for _ in range(ITERATIONS):
                    if index % 2 == 0:
                        with pytest.raises(db.ClientDataError) as info:
                            db.verify_assertion(policy, reg.public_key, s.client_data_json, s.authenticator_data, s.signature, b"wrong")
                        assert info.value.name == "DFNS_ERR_CHALLENGE_MISMATCH"
                    else:
                        with pytest.raises(db.SignatureError) as info:
                            db.verify_assertion(policy, reg.public_key, s.client_data_json, s.authenticator_data, bad_sig, b"right")
                        assert info.value.name == "DFNS_ERR_SIGNATURE_INVALID"
                    assert info.value.message
                    again = db._lib.lib.dfns_last_error().decode()
                    assert again == info.value.message

            assert _run_threads(fail) == []


def test_library_is_loaded_without_holding_the_gil() -> None:
    """CDLL (not PyDLL) functions release the GIL around each foreign call."""
    import ctypes

    lib = db._lib.lib
    assert isinstance(lib, ctypes.CDLL) and not isinstance(lib, ctypes.PyDLL)
    assert not lib._func_flags_ & ctypes._FUNCFLAG_PYTHONAPI
