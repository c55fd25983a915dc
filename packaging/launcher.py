"""The frozen app's entry point (PyInstaller runs this script, not ``-m s3browser``).

A frozen bundle has no Python interpreter to run ``sys.executable -m module``, yet the
app starts helpers that way (the embedded demo server runs in a child process:
``python -m s3browser.demo``). So the bundle's executable understands
``-m s3browser.<module> ARGS`` itself and runs that module as ``__main__``; only the
app's own modules, so the bundle is not a general-purpose interpreter.
"""

from __future__ import annotations

import multiprocessing
import runpy
import sys


def _run() -> int:
    argv = sys.argv[1:]
    if len(argv) >= 2 and argv[0] == "-m" and argv[1].startswith("s3browser."):
        module = argv[1]
        sys.argv = [sys.argv[0], *argv[2:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return 0
    from s3browser.__main__ import main

    return main(argv)


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(_run())
