"""The ctypes layer: discovery, declarations for every header function, version, raw NULL calls."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from ctypes import byref, c_char_p, c_int, c_int32, c_size_t, c_uint8, c_uint32, c_void_p
from pathlib import Path

import pytest

import dfns_bridge as db
from dfns_bridge import _lib
from conftest import PACKAGE_ROOT, REPO

HEADER = REPO / "include" / "dfns_bridge.h"
lib = _lib.lib


def header_functions() -> set:
    text = HEADER.read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return set(re.findall(r"\b(dfns_[a-z0-9_]+)\s*\(", text))


def test_every_header_function_is_declared() -> None:
    declared = set(_lib.FUNCTION_NAMES)
    assert header_functions() == declared


@pytest.mark.parametrize("name", _lib.FUNCTION_NAMES)
def test_prototype_set(name: str) -> None:
    func = getattr(lib, name)
    assert func.argtypes is not None
    restype, argtypes = _lib._PROTOTYPES[name]
    assert len(func.argtypes) == len(argtypes)
    if restype is _lib._STATUS:
        assert func.restype is c_int
        assert func.errcheck is not None
    else:
        assert func.restype is restype


def test_version_matches_header() -> None:
    assert db.version() == _lib.HEADER_VERSION
    assert db.version_number() == _lib.HEADER_VERSION_NUMBER
    header = HEADER.read_text()
    assert f'#define DFNS_BRIDGE_VERSION_STRING "{db.version()}"' in header
    assert db.__version__ == db.version()


def test_library_path_is_reported() -> None:
    assert os.path.exists(db.library_path) or "/" not in db.library_path
    if os.environ.get("DFNS_BRIDGE_LIBRARY"):
        assert db.library_path == os.environ["DFNS_BRIDGE_LIBRARY"]


def test_status_names_match_the_enum() -> None:
    for status in db.Status:
        assert lib.dfns_status_name(int(status)).decode() == status.c_name
    assert lib.dfns_status_name(-12345).decode() == "DFNS_ERR_UNKNOWN"
    assert lib.dfns_status_name(1).decode() == "DFNS_ERR_UNKNOWN"


def test_header_status_values_match_the_enum() -> None:
    text = HEADER.read_text()
    values = {m.group(1): int(m.group(2)) for m in re.finditer(r"\b(DFNS_(?:OK|ERR_[A-Z0-9_]+))\s*=\s*(-?\d+)", text)}
    assert values == {s.c_name: int(s) for s in db.Status}


def test_header_enums_match_python_enums() -> None:
    text = HEADER.read_text()

    def enum_values(prefix: str) -> dict:
        return {m.group(1): int(m.group(2)) for m in re.finditer(rf"\b{prefix}([A-Z0-9_]+)\s*=\s*(-?\d+)", text)}

    assert enum_values("DFNS_COSE_") == {a.name: int(a) for a in db.CoseAlgorithm}
    assert enum_values("DFNS_POLICY_") == {o.name: int(o) for o in db.PolicyOption}
    assert enum_values("DFNS_ATTESTATION_") == {k.name: int(k) for k in db.AttestationKind}
    inspect_kinds = {k: v for k, v in enum_values("DFNS_INSPECT_").items() if k not in ("TEXT", "JSON")}
    assert inspect_kinds == {k.name: int(k) for k in db.InspectKind}


# -- raw calls with NULL: the library must return a status, never crash ---------------------------


def test_raw_null_arguments_return_invalid_argument() -> None:
    out_key = _lib.PublicKeyPtr()
    with pytest.raises(db.DfnsError):  # NULL with length 0 is an empty input: a parse error
        lib.dfns_public_key_parse_cose(None, 0, byref(out_key))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_public_key_parse_cose(b"\xa0", 1, None)
    with pytest.raises(db.InvalidArgumentError):  # NULL with a non-zero length
        lib.dfns_public_key_parse_cose(None, 5, byref(out_key))
    assert not out_key
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_policy_new(None, byref(_lib.PolicyPtr()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_policy_add_origin(None, b"https://example.org")
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_policy_get_option(None, 1, byref(c_int()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_policy_set_algorithms(None, None, 0)
    out_reg = _lib.RegistrationPtr()
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_registration_verify(None, None, 0, None, 0, None, 0, byref(out_reg))
    assert not out_reg
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_registration_verify_hash(None, None, 0, None, 0, byref(out_reg))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_assertion_verify(None, None, None, 0, None, 0, None, 0, None, 0, byref(_lib.AssertionPtr()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_assertion_verify_hash(None, None, None, 0, None, 0, None, 0, byref(_lib.AssertionPtr()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_authenticator_new(None)
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_authenticator_register(None, None, None, None, 0, -7, 0, None, 0, 0, byref(_lib.ResponsePtr()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_authenticator_authenticate(None, None, None, None, 0, None, 0, 0, byref(_lib.ResponsePtr()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_response_get(None, 1, byref(c_void_p()), byref(c_size_t()))
    with pytest.raises(db.DfnsError):
        lib.dfns_inspect(None, 0, 0, 0, byref(c_void_p()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_inspect(None, 3, 0, 0, byref(c_void_p()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_inspect(b"{}", 2, 0, 0, None)


def test_raw_null_handles_in_getters() -> None:
    assert lib.dfns_public_key_alg(None) == 0
    alg = c_int32(5)
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_public_key_algorithm(None, byref(alg))
    assert alg.value == 0
    for getter in ("dfns_public_key_cose", "dfns_public_key_spki"):
        with pytest.raises(db.InvalidArgumentError):
            getattr(lib, getter)(None, byref(c_void_p()), byref(c_size_t()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_public_key_pem(None, byref(c_char_p()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_public_key_verify(None, b"m", 1, b"s", 1)
    for getter in ("dfns_registration_credential_id", "dfns_registration_aaguid", "dfns_registration_extensions"):
        with pytest.raises(db.InvalidArgumentError):
            getattr(lib, getter)(None, byref(c_void_p()), byref(c_size_t()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_registration_public_key(None, byref(_lib.PublicKeyPtr()))
    for getter in ("dfns_registration_format", "dfns_registration_attestation_type"):
        with pytest.raises(db.InvalidArgumentError):
            getattr(lib, getter)(None, byref(c_char_p()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_registration_attestation_trusted(None, byref(c_int()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_registration_sign_count(None, byref(c_uint32()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_registration_flags(None, byref(c_uint8()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_assertion_sign_count(None, byref(c_uint32()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_assertion_flags(None, byref(c_uint8()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_assertion_sign_count_regressed(None, byref(c_int()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_assertion_extensions(None, byref(c_void_p()), byref(c_size_t()))


def test_raw_free_functions_accept_null() -> None:
    for name, ptr_type in (
        ("dfns_public_key_free", _lib.PublicKeyPtr),
        ("dfns_policy_free", _lib.PolicyPtr),
        ("dfns_registration_free", _lib.RegistrationPtr),
        ("dfns_assertion_free", _lib.AssertionPtr),
        ("dfns_authenticator_free", _lib.AuthenticatorPtr),
        ("dfns_response_free", _lib.ResponsePtr),
    ):
        free = getattr(lib, name)
        free(None)  # NULL
        null = ptr_type()
        free(byref(null))  # a pointer to NULL
        assert not null
    lib.dfns_free(None)


def test_raw_free_sets_the_pointer_to_null() -> None:
    ptr = _lib.PolicyPtr()
    lib.dfns_policy_new(b"example.org", byref(ptr))
    assert ptr
    lib.dfns_policy_free(byref(ptr))
    assert not ptr
    lib.dfns_policy_free(byref(ptr))  # second free: harmless


def test_wrong_handle_type_is_refused_by_ctypes() -> None:
    with db.Policy("example.org") as policy:
        with pytest.raises(ctypes.ArgumentError):
            lib.dfns_public_key_alg(policy._ptr)


def test_last_error_is_per_call_message() -> None:
    with pytest.raises(db.DfnsError) as info:
        db.PublicKey.from_cose(b"\xff")
    assert info.value.message
    assert lib.dfns_last_error().decode() == info.value.message


# -- discovery -----------------------------------------------------------------------------------


def _copy_package(tmp_path: Path, with_library: bool) -> Path:
    dest = tmp_path / "site"
    shutil.copytree(PACKAGE_ROOT / "dfns_bridge", dest / "dfns_bridge", ignore=shutil.ignore_patterns("*.so*", "__pycache__"))
    if with_library:
        shutil.copyfile(_lib.library_path, dest / "dfns_bridge" / _lib.BUNDLED_NAME)
    return dest


def _run(code: str, site: Path, env_library: "str | None", cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DFNS_BRIDGE_LIBRARY", "PYTHONPATH")}
    if env_library is not None:
        env["DFNS_BRIDGE_LIBRARY"] = env_library
    env["PYTHONPATH"] = str(site)
    env["LD_LIBRARY_PATH"] = ""
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_discovery_collects_every_failure(tmp_path: Path) -> None:
    site = _copy_package(tmp_path, with_library=False)
    result = _run("import dfns_bridge", site, str(tmp_path / "missing.so"), tmp_path)
    assert result.returncode != 0
    err = result.stderr
    assert "ImportError" in err
    assert "DFNS_BRIDGE_LIBRARY" in err and "missing.so" in err
    assert "bundled copy" in err
    assert "find_library" in err


def test_discovery_prefers_the_environment_variable(tmp_path: Path) -> None:
    site = _copy_package(tmp_path, with_library=True)
    result = _run("import dfns_bridge; print(dfns_bridge.library_path)", site, _lib.library_path, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == _lib.library_path


def test_discovery_uses_the_bundled_copy(tmp_path: Path) -> None:
    site = _copy_package(tmp_path, with_library=True)
    result = _run("import dfns_bridge; print(dfns_bridge.library_path, dfns_bridge.version())", site, None, tmp_path)
    assert result.returncode == 0, result.stderr
    path, version = result.stdout.split()
    assert path == str(site / "dfns_bridge" / _lib.BUNDLED_NAME)
    assert version == db.version()


def test_bad_environment_variable_falls_back_with_a_warning(tmp_path: Path) -> None:
    site = _copy_package(tmp_path, with_library=True)
    code = "import warnings; warnings.simplefilter('always'); import dfns_bridge; print(dfns_bridge.library_path)"
    result = _run(code, site, str(tmp_path / "nope.so"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "RuntimeWarning" in result.stderr and "nope.so" in result.stderr
    assert result.stdout.strip().endswith(_lib.BUNDLED_NAME)


def test_library_without_the_functions_is_a_failed_candidate(tmp_path: Path) -> None:
    import ctypes.util

    libc = ctypes.util.find_library("c")
    assert libc
    site = _copy_package(tmp_path, with_library=True)
    code = "import warnings; warnings.simplefilter('always'); import dfns_bridge; print(dfns_bridge.library_path)"
    result = _run(code, site, libc, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "lacks these functions" in result.stderr
    assert result.stdout.strip().endswith(_lib.BUNDLED_NAME)
    site_without = _copy_package(tmp_path / "2", with_library=False)
    result = _run("import dfns_bridge", site_without, libc, tmp_path)
    assert result.returncode != 0 and "lacks these functions" in result.stderr
