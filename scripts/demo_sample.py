"""Fetch the demo recording for ``make demo`` from the PyPI registry.

The recording is ``assets/two_cities.wav`` inside the ``moonshine-voice``
0.1.5 wheel (MIT licence, Moonshine AI): a reading of the opening of Charles
Dickens's *A Tale of Two Cities* (a public-domain text). The wheel is fetched
with ``pip download --no-deps`` into a cache folder and only that one file is
extracted; nothing of it is committed to this repository or installed.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

PACKAGE = "moonshine-voice==0.1.5"
MEMBER = "moonshine_voice/assets/two_cities.wav"
NAME = "two_cities.wav"


def main(dest: str) -> int:
    out = Path(dest)
    target = out / NAME
    if target.is_file() and target.stat().st_size > 0:
        print(f"demo recording: {target} (cached)")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    wheels = out / "wheels"
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", str(wheels), PACKAGE]
    if subprocess.call(cmd) != 0:
        print(f"Could not download {PACKAGE} from the package registry.", file=sys.stderr)
        return 1
    wheel = next(wheels.glob("moonshine_voice-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        data = zf.read(MEMBER)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    print(f"demo recording: {target} ({len(data) / 1e6:.1f} MB, sha256 {hashlib.sha256(data).hexdigest()[:12]}...)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else ".cache/demo"))
