"""The shared conformance vectors through Python (read from ../shared/vectors/webauthn at test time).

- Every file is read and must be a well-formed vector.
- The W3C vectors (w3c-reg-*, w3c-auth-*) run with rpId example.org, origin https://example.org, the
  W3C attestation CA as trust anchor for packed/tpm/android-key/apple/fido-u2f, the android-key
  origin/purpose checks off, the verification time from the vector, and allow_cross_origin /
  allowed_top_origins from verifier_options_in_source.
- The other sources' vectors run with their configuration where the C ABI can express it.
- The py_webauthn vectors (pywebauthn-*) run with py_webauthn's configuration: built-in roots on,
  SHA-1 allowed, the verification time from the vector, require_user_verification from
  verifier_options_in_source. ML-DSA vectors are skipped (unsupported algorithm).
Each verdict must equal the vector's ``expected``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List

import pytest

import dfns_bridge as db
from conftest import vectors_dir
from vectors import Skip, VectorRunner, expected_verdict, load

VECTORS = vectors_dir()


def _files(*prefixes: str) -> List[str]:
    if not VECTORS.is_dir():
        return []
    return sorted(p.name for p in VECTORS.glob("*.json") if p.name.startswith(prefixes))


ALL_FILES = sorted(p.name for p in VECTORS.glob("*.json")) if VECTORS.is_dir() else []
W3C_CEREMONIES = _files("w3c-reg-", "w3c-auth-")
PYWEBAUTHN = _files("pywebauthn-")
OTHERS = [n for n in ALL_FILES if not n.startswith(("w3c-", "pywebauthn-"))]


@pytest.fixture(scope="module")
def runner(shared: Path) -> VectorRunner:
    return VectorRunner(shared)


def test_vectors_present() -> None:
    assert VECTORS.is_dir(), f"no vectors at {VECTORS} (set DFNS_SHARED_DIR)"
    assert len(ALL_FILES) >= 150
    assert len(W3C_CEREMONIES) == 30
    assert len(PYWEBAUTHN) == 29


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_vector_file_is_well_formed(name: str) -> None:
    vector = load(VECTORS / name)
    assert vector.get("kind") in {
        "registration",
        "authentication",
        "registration-lowlevel",
        "authentication-lowlevel",
        "authdata-parse",
        "trust-anchor",
    }
    assert isinstance(vector.get("source"), str) and vector["source"]
    if vector["kind"] != "trust-anchor":
        assert "expected" in vector


def _is_ml_dsa(name: str) -> bool:
    return re.search(r"ml-?dsa", name) is not None


def _check(runner: VectorRunner, name: str, *, required: bool = True) -> None:
    vector = load(VECTORS / name)
    expected = expected_verdict(vector)
    if not required:
        if expected is None:
            pytest.skip(f"no verdict to compare: {vector.get('expected')}")
        if str(vector.get("expected_category", "")).startswith("environment"):
            pytest.skip("needs the network or a live clock")
    assert expected is not None, f"{name}: no verdict in 'expected'"
    try:
        outcome = runner.run(name)
    except Skip as exc:
        pytest.skip(str(exc))
    if _is_ml_dsa(name) and outcome.verdict == "fail":
        error = outcome.error
        assert error is not None and error.status == db.Status.UNSUPPORTED_ALGORITHM, outcome.detail
        pytest.skip(f"unsupported algorithm (ML-DSA): {outcome.detail}")
    assert outcome.verdict == expected, (
        f"{name} [{vector.get('expected_category')}]: got {outcome.verdict} ({outcome.detail}); "
        f"expected {vector.get('expected')}"
    )


@pytest.mark.parametrize("name", W3C_CEREMONIES)
def test_w3c_vector(runner: VectorRunner, name: str) -> None:
    _check(runner, name)


@pytest.mark.parametrize("name", PYWEBAUTHN)
def test_pywebauthn_vector(runner: VectorRunner, name: str) -> None:
    _check(runner, name)


@pytest.mark.parametrize("name", OTHERS)
def test_other_vector(runner: VectorRunner, name: str) -> None:
    """go-webauthn, libfido2, java-webauthn-server and webauthn4j vectors, configured as the Swift
    conformance runner configures them. Statement-only vectors whose RP ID cannot be derived are
    skipped: the C ABI verifies whole responses only."""
    _check(runner, name, required=False)


# The reasons the sources give for their negative vectors.
NEGATIVE_REASONS = {
    "pywebauthn-auth-raises-exception-on-incorrect-public-key.json": "DFNS_ERR_SIGNATURE_INVALID",
    "pywebauthn-auth-raises-exception-on-uv-required-but-false.json": "DFNS_ERR_USER_VERIFICATION_MISSING",
    "pywebauthn-reg-raises-when-root-cert-invalid-for-response.json": "DFNS_ERR_ATTESTATION_NOT_TRUSTED",
}


@pytest.mark.parametrize("name,status_name", sorted(NEGATIVE_REASONS.items()))
def test_negative_vectors_fail_for_the_sources_reason(runner: VectorRunner, name: str, status_name: str) -> None:
    outcome = runner.run(name)
    assert outcome.verdict == "fail"
    assert outcome.error is not None and outcome.error.name == status_name, outcome.detail
    assert outcome.error.message


def test_bad_attestation_object_vector_is_malformed_input(runner: VectorRunner) -> None:
    outcome = runner.run("pywebauthn-reg-raises-useful-error-on-bad-attestation-object.json")
    assert outcome.verdict == "fail"
    assert isinstance(outcome.error, db.MalformedInputError), outcome.detail


def test_shared_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import conftest

    monkeypatch.setenv("DFNS_SHARED_DIR", str(tmp_path))
    assert conftest.vectors_dir() == tmp_path.resolve() / "vectors" / "webauthn"
    monkeypatch.delenv("DFNS_SHARED_DIR")
    assert conftest.vectors_dir() == (conftest.REPO.parent / "shared" / "vectors" / "webauthn").resolve()
