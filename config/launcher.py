#!/usr/bin/env python3
"""Install and start the project, or install and test it: the README's two commands.

    python3 config/launcher.py run     # install, migrate, load demo data, start everything
    python3 config/launcher.py test    # install, run the whole test suite

Standard library only. It first makes sure the machine has what the command needs: Python 3.11
or newer with its venv module (Debian's python3-venv) and, for the browser tests, chromium, the
CJK fonts and npm (which installs axe-core, their accessibility checker, from
package-lock.json). Missing packages are installed with apt-get when running as root; otherwise
it stops with one line saying what to install. Then it creates the virtualenv in .venv, installs
the project into it when pyproject.toml changed, and becomes `config.services` inside the
virtualenv (same process: signals sent to it reach the supervisor directly).
"""

import sys


def python_problem(version: tuple = tuple(sys.version_info)) -> "str | None":  # noqa: UP037
    """One line when this Python is too old. Quoted: this runs on any Python 3.6 or newer."""
    if version < (3, 11):
        found = ".".join(str(part) for part in version[:3])
        return f"Python 3.11 or newer is needed (this is {found}): start the launcher with it."
    return None


if python_problem():  # before the rest of the file, which an older Python cannot run
    sys.exit(python_problem())

import hashlib  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".installed"
NODE_STAMP = ROOT / "node_modules" / ".installed"
CHROMIUM = Path("/usr/bin/chromium")  # the browser tests drive Debian's chromium at this path
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
)
CJK_FONT = "NotoSansCJK*"  # fonts-noto-cjk: the screenshots show Chinese, Korean and Japanese


class MachineNotReady(SystemExit):
    """Stops the launcher with one line saying what the machine lacks and how to add it."""


def venv_package() -> str:
    """Debian and Ubuntu ship ensurepip (which venv needs for pip) in python3.X-venv."""
    return f"python{sys.version_info.major}.{sys.version_info.minor}-venv"


def browser_tests_selected(pytest_args: list[str]) -> bool:
    """With no paths the whole suite runs; with paths, only those naming the browser tests."""
    paths = [arg for arg in pytest_args if not arg.startswith("-")]
    return not paths or any("browser" in path for path in paths)


@dataclass(frozen=True)
class Machine:
    """Where the launcher looks for what the commands need, and whether it may install."""

    chromium: Path = CHROMIUM
    font_dirs: tuple[Path, ...] = FONT_DIRS
    venv_python: Path = PYTHON
    apt_log: Path = ROOT / "var" / "apt-get.log"
    root: bool = field(default_factory=lambda: os.geteuid() == 0)
    search_path: str | None = None  # where to look for npm; None: this process's PATH

    def has_cjk_font(self) -> bool:
        # The font files themselves: no `fc-list | grep -q` pipe that can end early (SIGPIPE)
        # and report fonts missing that are there.
        folders = [folder for folder in self.font_dirs if folder.is_dir()]
        return any(next(folder.rglob(CJK_FONT), None) is not None for folder in folders)

    def missing_packages(self, command: str, pytest_args: list[str]) -> list[str]:
        """The Debian packages this command needs and the machine lacks."""
        missing = []
        if not self.venv_python.exists() and importlib.util.find_spec("ensurepip") is None:
            missing.append(venv_package())
        if command == "test" and browser_tests_selected(pytest_args):
            if not self.chromium.exists():
                missing.append("chromium")
            if not self.has_cjk_font():
                missing.append("fonts-noto-cjk")
            if shutil.which("npm", path=self.search_path) is None:
                missing.append("npm")  # Debian's npm brings nodejs
        return missing


def install_packages(packages: list[str], machine: Machine) -> None:
    """Install `packages` with apt-get, or stop with one line naming them and the command."""
    names = ", ".join(packages)
    command = f"apt-get install -y {' '.join(packages)}"
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        raise MachineNotReady(
            f"Missing on this machine: {names} (Debian's names). "
            f"Install with the system's package manager (Debian, Ubuntu: {command})."
        )
    if not machine.root:
        raise MachineNotReady(f"Missing on this machine: {names}. Install with: sudo {command}")
    print(f"Installing {names} with apt-get (update, then {command}) …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    machine.apt_log.parent.mkdir(parents=True, exist_ok=True)
    with machine.apt_log.open("w") as log:
        for step in (["update"], ["install", "-y", "-q", *packages]):
            result = subprocess.run([apt_get, *step], env=env, stdout=log, stderr=log)
            if result.returncode != 0:
                raise MachineNotReady(
                    f"Missing on this machine: {names}; apt-get {step[0]} failed "
                    f"(see {machine.apt_log}). Install with: {command}"
                )


def prepare_machine(command: str, pytest_args: list[str], machine: Machine) -> None:
    """Stop with one line, or install what is missing, before anything slow starts."""
    missing = machine.missing_packages(command, pytest_args)
    if not missing:
        return
    install_packages(missing, machine)
    still = machine.missing_packages(command, pytest_args)
    if still:
        raise MachineNotReady(
            f"Still missing after apt-get: {', '.join(still)}. "
            f"Install with: apt-get install -y {' '.join(still)}"
        )


def ensure_virtualenv() -> None:
    import venv  # here: on a Python too old for us, the version message comes first

    if not PYTHON.exists():
        print("Creating the virtualenv in .venv …", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (OSError, subprocess.CalledProcessError) as error:
            shutil.rmtree(VENV, ignore_errors=True)  # half a virtualenv would be taken as ready
            raise MachineNotReady(f"Could not create the virtualenv in .venv: {error}") from error
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing dependencies (first run takes a few minutes) …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "--quiet", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def ensure_node_packages() -> None:
    """The browser tests' npm packages (axe-core) exactly as package-lock.json lists them,
    installed again only when the lock file changed."""
    wanted = hashlib.sha256((ROOT / "package-lock.json").read_bytes()).hexdigest()
    if NODE_STAMP.exists() and NODE_STAMP.read_text() == wanted:
        return
    print("Installing the browser tests' npm packages (npm ci) …", flush=True)
    npm = [shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    if subprocess.run(npm, cwd=ROOT).returncode != 0:  # noqa: S603 - fixed argv
        raise MachineNotReady(
            "npm ci failed (its output is above): the browser tests need axe-core from the "
            "npm registry. Run `npm ci` in the project folder once it can be reached."
        )
    NODE_STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    prepare_machine(argv[0], argv[1:], Machine())
    ensure_virtualenv()
    if argv[0] == "test" and browser_tests_selected(argv[1:]):
        ensure_node_packages()
    os.chdir(ROOT)
    # Become the supervisor rather than wait for it: SIGINT/SIGTERM sent to this process then
    # stop everything, and no launcher is left behind to be killed on its own.
    os.execv(PYTHON, [str(PYTHON), "-m", "config.services", *argv])  # noqa: S606 - fixed argv


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
