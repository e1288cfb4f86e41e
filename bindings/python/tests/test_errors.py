"""The exception hierarchy: one class per status family, with status, name and message."""

from __future__ import annotations

import pickle

import pytest

import dfns_bridge as db
from dfns_bridge import errors

FAMILIES = [
    (range(-1, -100, -1), db.CallingError),
    (range(-100, -200, -1), db.MalformedInputError),
    (range(-200, -300, -1), db.ClientDataError),
    (range(-300, -400, -1), db.AuthenticatorDataError),
    (range(-400, -500, -1), db.SignatureError),
    (range(-500, -600, -1), db.AttestationError),
]


@pytest.mark.parametrize("status", list(db.Status)[1:], ids=lambda s: s.name)
def test_every_status_maps_to_its_family(status: db.Status) -> None:
    error = errors.error_for_status(int(status), status.c_name, "msg", "dfns_x")
    assert isinstance(error, db.DfnsError)
    assert error.status == status and error.status is status
    for codes, family in FAMILIES:
        if int(status) in codes:
            assert isinstance(error, family)
    if status == db.Status.INVALID_POLICY:
        assert isinstance(error, db.PolicyError)
    if status == db.Status.INTERNAL:
        assert isinstance(error, db.InternalError)


def test_specific_calling_errors() -> None:
    assert type(errors.error_for_status(-1, "DFNS_ERR_INVALID_ARGUMENT")) is db.InvalidArgumentError
    assert type(errors.error_for_status(-4, "DFNS_ERR_NOT_FOUND")) is db.NotFoundError
    assert type(errors.error_for_status(-5, "DFNS_ERR_UNSUPPORTED")) is db.UnsupportedError
    assert type(errors.error_for_status(-2, "DFNS_ERR_BUFFER_TOO_SMALL")) is db.CallingError


def test_unknown_status_is_internal_and_keeps_the_int() -> None:
    error = errors.error_for_status(-4242, "DFNS_ERR_UNKNOWN")
    assert isinstance(error, db.InternalError)
    assert error.status == -4242 and not isinstance(error.status, db.Status)


def test_message_and_str() -> None:
    error = errors.error_for_status(-201, "DFNS_ERR_CHALLENGE_MISMATCH", "expected X, found Y", "dfns_assertion_verify")
    assert error.name == "DFNS_ERR_CHALLENGE_MISMATCH"
    assert error.message == "expected X, found Y"
    assert error.function == "dfns_assertion_verify"
    assert str(error) == "dfns_assertion_verify: DFNS_ERR_CHALLENGE_MISMATCH (-201): expected X, found Y"


def test_errors_pickle() -> None:
    error = errors.error_for_status(-403, "DFNS_ERR_SIGNATURE_INVALID", "bad", "dfns_public_key_verify")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is db.SignatureError
    assert (copy.status, copy.name, copy.message, copy.function) == (error.status, error.name, error.message, error.function)


def test_no_builtin_is_shadowed() -> None:
    import builtins

    for name in db.__all__:
        assert not hasattr(builtins, name), name


def test_raised_error_carries_library_status_name_and_message() -> None:
    with pytest.raises(db.MalformedInputError) as info:
        db.PublicKey.from_cose(b"\xff\xff")
    error = info.value
    assert error.name.startswith("DFNS_ERR_")
    assert error.name == db.Status(error.status).c_name
    assert error.message  # dfns_last_error, read right after the call
    assert error.function == "dfns_public_key_parse_cose"
