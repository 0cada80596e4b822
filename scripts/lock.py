"""Write constraints.txt: the exact version of every package a full install takes from the package registry.

    make lock              keep today's pins, resolve only what is new   (python scripts/lock.py)
    make lock UPGRADE=1    resolve everything afresh within pyproject.toml's ranges

It installs the project with its extras (all but ``base``, whose two model
packages pyproject.toml pins exactly) into a fresh virtual environment from
the registry, reads ``pip freeze``, and refuses to write any line that is not
``name==version``. A ``name @ file:///tmp/...`` line is how a wheel from one
machine's temporary folder once reached constraints.txt and broke every fresh
install; :func:`local_references` is also what tests/test_install.py checks
constraints.txt, pyproject.toml and the Makefile with.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = "face,ray,test,dev"
HEADER = """\
# Exact versions for reproducible installs and CI (make and .ci/run install with -c constraints.txt).
# Written by `make lock` (python scripts/lock.py; `make lock UPGRADE=1` re-resolves everything); do not edit by hand.
# Every line is name==version from the package registry: scripts/lock.py refuses anything else.
"""

_LOCAL = re.compile(
    r"""(?ix)
    file:                                        # a file: URL
    | (?:^|[\s=@'"(,\[])(?:/|~|\$HOME\b|\$\{HOME\}|\$\(HOME\)|[a-z]:[\\/])   # an absolute or home path
    | (?:^|[\s=@'"(,/\\])(?:tmp|temp|home|users|var)[\\/]   # a temporary or home folder
    """
)
_PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.+!_-]+$")


def local_references(text: str) -> list[str]:
    """The lines of ``text`` (comments left out) that name a machine-local file: a ``file:`` URL, an absolute
    path, a home folder or a temporary folder."""
    found = []
    for line in text.splitlines():
        code = re.split(r"(?:^|\s)#", line, maxsplit=1)[0]
        if code.strip() and _LOCAL.search(code):
            found.append(line.strip())
    return found


def dependency_lines() -> dict[str, list[str]]:
    """Every place a dependency is named: constraints.txt's lines, pyproject.toml's requirement strings, and the
    Makefile's pip commands."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = list(pyproject["build-system"]["requires"]) + list(pyproject["project"]["dependencies"])
    for extra in pyproject["project"].get("optional-dependencies", {}).values():
        reqs += extra
    make = [line for line in (ROOT / "Makefile").read_text().splitlines() if re.search(r"\bpip\b", line)]
    return {
        "constraints.txt": (ROOT / "constraints.txt").read_text().splitlines(),
        "pyproject.toml": reqs,
        "Makefile": make,
    }


def _freeze(upgrade: bool) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip"]
        subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True)
        keep: list[str] = []
        if not upgrade:  # today's pins, less any line that is not one
            pins = Path(tmp) / "pins.txt"
            old = (ROOT / "constraints.txt").read_text().splitlines()
            pins.write_text("\n".join(line for line in old if _PIN.match(line) and not local_references(line)))
            keep = ["-c", str(pins)]
        subprocess.run([*pip, "install", "--quiet", *keep, f"{ROOT}[{EXTRAS}]"], check=True)
        out = subprocess.run([*pip, "freeze", "--all"], check=True, capture_output=True, text=True).stdout
    own = {"podium-coach", "podium_coach", "pip", "setuptools", "wheel"}
    return sorted((line for line in out.splitlines() if _name(line) not in own), key=lambda line: _name(line).lower())


def _name(line: str) -> str:
    return re.split(r"[=@ \[]", line, maxsplit=1)[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upgrade", action="store_true", help="drop today's pins and resolve everything afresh")
    ns = ap.parse_args()
    lines = _freeze(ns.upgrade)
    bad = [line for line in lines if not _PIN.match(line) or local_references(line)]
    if bad:
        print("Not written: these lines did not come from the registry as name==version:", file=sys.stderr)
        for line in bad:
            print("  " + line, file=sys.stderr)
        return 1
    (ROOT / "constraints.txt").write_text(HEADER + "\n".join(lines) + "\n")
    print(f"constraints.txt: {len(lines)} pins")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
