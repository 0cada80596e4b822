"""Server settings: flags over environment over defaults, checked before anything listens.

Insecure defaults are refused outside local use: bound to anything but a
loopback address, the server needs a secret key you set (``PODIUM_SECRET_KEY``,
32 characters or more) and sends its cookies only over HTTPS. On loopback (one
person trying Podium on their own machine) a random key is made once and kept,
readable by you alone, in the data directory.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..options import MediaOptions
from ..store import data_dir, default_url

__all__ = ["LOCAL_USER", "MIN_SECRET", "Settings"]

LOCAL_USER = "you@localhost"  # the account 'podium rehearse' signs its one person in as
MIN_SECRET = 32  # characters of the session-signing key (256 bits of a urlsafe token are 43)


@dataclass(frozen=True)
class Settings:
    """What ``podium serve`` runs with.

    Attributes:
        host: address to listen on; loopback (127.0.0.1, ::1, localhost) is local dev mode.
        port: TCP port.
        data: data directory: the SQLite database, uploads/ and reports/ (``$PODIUM_DATA``).
        db: database URL (``$PODIUM_DB``; default SQLite in ``data``).
        secret_key: signs session cookies and CSRF tokens (``$PODIUM_SECRET_KEY``).
        workers: analysis worker processes (``$PODIUM_WORKERS``; 0: none, run ``podium worker`` elsewhere).
        max_upload_mb: largest upload accepted, MB (``$PODIUM_MAX_UPLOAD_MB``).
        max_duration_s: longest recording accepted, seconds.
        max_attempts: a job whose worker died is run again until it has had this many attempts.
        secure_cookies: send cookies over HTTPS only (default: on unless loopback).
        session_days: how long a sign-in lasts.
        analyze_face: analyse the video of uploads (face, eye contact, framing).
        forwarded_allow_ips: the reverse proxies (comma-separated addresses, or ``*``) whose ``X-Forwarded-For``
            names the client; sign-in limits per address use it (``$PODIUM_FORWARDED_ALLOW_IPS``; empty: the
            connecting address is the client).
        single_user: ``podium rehearse``: one person on their own machine, signed in without a password as the
            local user (:data:`LOCAL_USER`); loopback only.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    data: Path = field(default_factory=data_dir)
    db: str = ""
    secret_key: str = ""
    workers: int = 1
    max_upload_mb: int = 2048
    max_duration_s: float = MediaOptions().max_duration_s or 4 * 3600  # the analysis default, once
    max_attempts: int = 2
    secure_cookies: bool | None = None
    session_days: int = 14
    analyze_face: bool = True
    forwarded_allow_ips: str = ""
    single_user: bool = False

    @classmethod
    def from_env(cls, **flags: Any) -> Settings:
        """Settings from ``PODIUM_*`` variables, then ``flags`` (``None`` values ignored), checked.

        Raises:
            ParameterError: a value is unusable, or the settings are insecure for the address.
        """
        env = os.environ
        values: dict[str, Any] = {}
        for name, var, kind in (
            ("data", "PODIUM_DATA", Path),
            ("db", "PODIUM_DB", str),
            ("secret_key", "PODIUM_SECRET_KEY", str),
            ("workers", "PODIUM_WORKERS", int),
            ("max_upload_mb", "PODIUM_MAX_UPLOAD_MB", int),
            ("forwarded_allow_ips", "PODIUM_FORWARDED_ALLOW_IPS", str),
        ):
            if env.get(var):
                try:
                    values[name] = kind(env[var])
                except ValueError:
                    raise ParameterError(f"{var}={env[var]!r}: not a valid {kind.__name__}") from None
        values.update({k: v for k, v in flags.items() if v is not None})
        return cls(**values).checked()

    @property
    def loopback(self) -> bool:
        """True when only this machine can connect."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @property
    def db_url(self) -> str:
        return self.db or default_url(self.data)

    @property
    def cookies_secure(self) -> bool:
        return (not self.loopback) if self.secure_cookies is None else self.secure_cookies

    def checked(self) -> Settings:
        """These settings with the secret key filled in for local use.

        Raises:
            ParameterError: a bad value, or no strong secret key while listening beyond loopback.
        """
        if not 0 < self.port < 65536:
            raise ParameterError(f"port={self.port}: must be 1-65535")
        if self.workers < 0:
            raise ParameterError(f"workers={self.workers}: must be 0 or more")
        if self.max_upload_mb < 1:
            raise ParameterError(f"max_upload_mb={self.max_upload_mb}: must be at least 1")
        if self.max_attempts < 1:
            raise ParameterError(f"max_attempts={self.max_attempts}: must be at least 1")
        if self.single_user and not self.loopback:
            raise ParameterError(
                f"--host {self.host}: 'podium rehearse' signs you in without a password, so it serves this machine "
                "only (127.0.0.1). For other people, run 'podium serve' with accounts."
            )
        if self.secret_key and len(self.secret_key) < MIN_SECRET:
            raise ParameterError(
                f"PODIUM_SECRET_KEY has {len(self.secret_key)} characters; it needs at least {MIN_SECRET} random ones "
                "(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        if self.secret_key:
            return self
        if not self.loopback:
            raise ParameterError(
                f"--host {self.host} lets other machines connect, so Podium needs a secret key of your own: set "
                "PODIUM_SECRET_KEY to 32 or more random characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(32))'). Without one, serve on 127.0.0.1."
            )
        return replace(self, secret_key=_local_secret(self.data))

    @property
    def uploads(self) -> Path:
        return self.data / "uploads"

    @property
    def reports(self) -> Path:
        return self.data / "reports"


def _local_secret(folder: Path) -> str:
    """A random key kept in ``folder/secret_key`` (mode 0600), made the first time."""
    path = folder / "secret_key"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if path.is_file():
            key = path.read_text().strip()
            if len(key) >= MIN_SECRET:
                return key
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key + "\n")
        return key
    except OSError as e:
        raise ParameterError(f"{folder}: cannot keep the local secret key there ({e.strerror or e})") from None
