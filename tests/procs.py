"""Processes as Linux shows them in /proc: for tests that kill workers and check what is left.

Read from /proc rather than ``ps``, whose args column is cut to the terminal width when piped (a longer checkout
path once hid the words a test looked for)."""

from __future__ import annotations

from pathlib import Path


def children(pid: int, running: str = "", but_not: str = "") -> list[int]:
    """Live children of ``pid`` (zombies left out) whose command line contains ``running`` and not ``but_not``."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if int(fields[1]) == pid and fields[0] != "Z" and running in cmdline and not (but_not and but_not in cmdline):
            out.append(int(entry.name))
    return sorted(out)


def alive(pid: int) -> bool:
    """Running, or at least not yet a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
