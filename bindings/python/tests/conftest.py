"""pytest configuration: import the package from this source tree, find the library and ../shared."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Type

import pytest

TESTS = Path(__file__).resolve().parent
PACKAGE_ROOT = TESTS.parent  # bindings/python
REPO = PACKAGE_ROOT.parent.parent  # the repository root

# Import dfns_bridge from this tree, not from an installed copy.
sys.path.insert(0, str(PACKAGE_ROOT))

# Default to the library scripts/build-shared.sh builds, unless the caller chose one.
_BUILT = REPO / "build" / "lib" / "libdfns_bridge.so.0"
if not os.environ.get("DFNS_BRIDGE_LIBRARY") and _BUILT.exists():
    os.environ["DFNS_BRIDGE_LIBRARY"] = str(_BUILT)


def shared_dir() -> Path:
    """../shared beside the repository, or $DFNS_SHARED_DIR."""
    env = os.environ.get("DFNS_SHARED_DIR")
    return Path(env).resolve() if env else (REPO.parent / "shared").resolve()


def vectors_dir() -> Path:
    """The third-party WebAuthn vectors (read at test time, never copied into the repository)."""
    return shared_dir() / "vectors" / "webauthn"


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not path.is_dir():
        pytest.fail(f"shared folder not found at {path} (set DFNS_SHARED_DIR)")
    return path


@pytest.fixture
def authenticator() -> Iterator["object"]:
    from dfns_bridge import SoftwareAuthenticator

    with SoftwareAuthenticator() as device:
        yield device


RP_ID = "example.org"
ORIGIN = "https://example.org"


@pytest.fixture
def policy() -> Iterator["object"]:
    from dfns_bridge import Policy

    with Policy(RP_ID, ORIGIN) as p:
        yield p


def assert_each_thread_gets_its_own_exception(
    call: Callable[[], object],
    expected: Type[BaseException],
    own: Callable[[BaseException, str], bool],
    rounds: int,
    *,
    prefix: str,
    threads: int = 2,
    timeout: float = 120,
) -> None:
    """Runs ``call()`` ``rounds`` times on each of ``threads`` threads started together (named
    ``prefix-0``, ...) and asserts that every call raised ``expected`` for which
    ``own(exc, thread_name)`` holds: an exception a callback raised reached the thread whose call
    ran it, none was lost or delivered to the other thread."""
    barrier = threading.Barrier(threads)
    seen: Dict[str, List[str]] = {}

    def worker() -> None:
        name = threading.current_thread().name
        got: List[str] = []
        barrier.wait()
        for _ in range(rounds):
            try:
                call()
                got.append("no exception")
            except expected as exc:
                got.append("own" if own(exc, name) else f"foreign {exc}")
            except BaseException as exc:  # noqa: BLE001 - recorded, and the assertion below fails
                got.append(f"other {exc!r}")
        seen[name] = got

    names = [f"{prefix}-{i}" for i in range(threads)]
    workers = [threading.Thread(target=worker, name=name) for name in names]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout)
    assert seen == {name: ["own"] * rounds for name in names}
