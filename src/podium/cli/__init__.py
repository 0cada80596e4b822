"""The ``podium`` command.

Exit codes: 0 done, 1 the recording or an option could not be used (one line
on stderr), 2 wrong command-line usage, 130 interrupted.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from ..errors import PodiumError
from .parser import parser

__all__ = ["main"]

log = logging.getLogger("podium")


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    ns = p.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(ns.verbose, 2),
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if ns.command is None:
        p.print_help(sys.stderr)
        return 2
    if ns.command == "eval" and ns.what is None:
        p.parse_args(["eval", "--help"])
    try:
        from .commands import COMMANDS

        return COMMANDS[ns.command](ns)
    except PodiumError as e:
        print("Error: " + " ".join(str(e).split()), file=sys.stderr)  # always one line
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped early (podium doctor | head): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that flushing stdout at exit cannot fail again
        return 0
