#!/usr/bin/env python3
"""Install and start the project, or install and test it: the README's two commands.

    python3 config/launcher.py run     # install, migrate, load demo data, start everything
    python3 config/launcher.py test    # install, run the whole test suite

Standard library only: it creates the virtualenv in .venv, installs the project into it when
pyproject.toml changed, then hands over to `config.services` inside the virtualenv.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".installed"


def ensure_virtualenv() -> None:
    if not PYTHON.exists():
        print("Creating the virtualenv in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing dependencies (first run takes a few minutes) …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "--quiet", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    if sys.version_info < (3, 11):
        print("Python 3.11 or newer is needed.")
        return 2
    ensure_virtualenv()
    os.chdir(ROOT)
    child = subprocess.Popen([str(PYTHON), "-m", "config.services", *argv])
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            continue  # the child got the same Ctrl-C and is stopping what it started


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
