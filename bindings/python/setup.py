"""Builds the plain py3-none-<platform> wheel that carries libdfns_bridge.so.0.

The package is pure ctypes, but the wheel ships the prebuilt shared library, so it is a platform
wheel usable by any Python 3 (c-abi-notes §13):

- ``BinaryDistribution.has_ext_modules`` makes the wheel platlib (``Root-Is-Purelib: false``);
- ``bdist_wheel.get_tag`` is overridden to ``py3-none-<platform>`` (``linux_x86_64``).

Before building, the shared library is copied into ``dfns_bridge/libdfns_bridge.so.0`` from, in order:
``$DFNS_BRIDGE_LIBRARY`` (an absolute path: pip runs this file in bindings/python);
``../../build/lib/libdfns_bridge.so.0`` (``scripts/build-shared.sh``'s output, relative to this file).
Symlinks are followed, so the wheel holds the real file. Building a wheel without any library fails;
an sdist or egg_info without one is allowed (with a warning).

This wheel still needs libcbor, libsecp256k1, OpenSSL and libcurl from the machine it is installed on.
The wheel to distribute is the one ``scripts/build-wheel.sh`` makes from it: ``auditwheel repair``
grafts those libraries (and theirs) into ``dfns_bridge.libs/``, points the library's RPATH at them and
retags the wheel ``py3-none-manylinux_<glibc>_<arch>``. Nothing here needs to change for that: the
``linux_<arch>`` tag is the input auditwheel expects, and the loader in ``_lib.py`` opens
``libdfns_bridge.so.0`` by path, whose RPATH then finds the grafted copies.
"""

from __future__ import annotations

import os
import shutil
import sys

from setuptools import Distribution, setup

try:  # setuptools >= 70.1
    from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
except ImportError:  # older setuptools + the `wheel` package
    from wheel.bdist_wheel import bdist_wheel as _bdist_wheel  # type: ignore[no-redef]

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "dfns_bridge", "libdfns_bridge.so.0")


def _source_library() -> "str | None":
    env = os.environ.get("DFNS_BRIDGE_LIBRARY")
    if env:
        if not os.path.isfile(env):
            raise SystemExit(
                f"setup.py: DFNS_BRIDGE_LIBRARY={env} is not a file (looked in {os.getcwd()}; "
                "pip runs setup.py in bindings/python, so give an absolute path)"
            )
        return env
    built = os.path.join(HERE, os.pardir, os.pardir, "build", "lib", "libdfns_bridge.so.0")
    if os.path.isfile(built):
        return os.path.normpath(built)
    return None


def _copy_library() -> None:
    source = _source_library()
    if source is None:
        if os.path.isfile(TARGET):
            return  # e.g. building from an sdist that already carries it
        if any(cmd in sys.argv for cmd in ("bdist_wheel", "install", "develop", "editable_wheel")):
            raise SystemExit(
                "setup.py: libdfns_bridge.so.0 not found: run scripts/build-shared.sh first, "
                "or set DFNS_BRIDGE_LIBRARY to the library to ship"
            )
        print("setup.py: warning: no libdfns_bridge.so.0 to ship", file=sys.stderr)
        return
    if os.path.abspath(source) != os.path.abspath(TARGET):
        shutil.copyfile(source, TARGET)  # follows symlinks: the real file goes into the wheel
        os.chmod(TARGET, 0o755)


class BinaryDistribution(Distribution):
    """A distribution with a native payload: platlib, not purelib."""

    def has_ext_modules(self) -> bool:  # type: ignore[override]
        return True


class bdist_wheel_ctypes(_bdist_wheel):
    """Tags the wheel py3-none-<platform>: no CPython ABI dependency, only the platform's."""

    def get_tag(self):  # type: ignore[no-untyped-def]
        _, _, plat = super().get_tag()
        return "py3", "none", plat


_copy_library()
setup(distclass=BinaryDistribution, cmdclass={"bdist_wheel": bdist_wheel_ctypes})
