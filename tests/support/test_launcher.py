"""The launcher on a bare machine: what it finds missing, and what it does about it (installs
with apt-get as root, else stops with one line). The machine is pointed at empty folders and a
fake apt-get on PATH; nothing is installed or removed for real."""

import stat
import sys
from pathlib import Path

import pytest

from config.launcher import (
    Machine,
    MachineNotReady,
    browser_tests_selected,
    prepare_machine,
    python_problem,
    venv_package,
)

ROOT = Path(__file__).resolve().parents[2]


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture
def bare(tmp_path) -> Machine:
    """A machine without chromium or the CJK fonts (its virtualenv and npm exist)."""
    (tmp_path / "fonts" / "truetype" / "dejavu").mkdir(parents=True)
    (tmp_path / "fonts" / "truetype" / "dejavu" / "DejaVuSans.ttf").write_bytes(b"")
    return Machine(
        chromium=tmp_path / "usr" / "bin" / "chromium",
        font_dirs=(tmp_path / "fonts", tmp_path / "nowhere"),
        venv_python=Path(sys.executable),
        apt_log=tmp_path / "apt-get.log",
        root=True,
        search_path=str(executable(tmp_path / "node" / "bin" / "npm").parent),
    )


@pytest.fixture
def fake_apt_get(tmp_path, monkeypatch):
    """An apt-get on PATH that records its calls; `installs` says which files it creates."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "apt-calls"
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")

    def make(*, installs: tuple[Path, ...] = (), status: int = 0) -> Path:
        creates = "".join(f"  mkdir -p '{p.parent}' && touch '{p}'\n" for p in installs)
        script = bin_dir / "apt-get"
        script.write_text(
            "#!/bin/sh\n"
            f'echo "$DEBIAN_FRONTEND $*" >> "{calls}"\n'
            'if [ "$1" = install ]; then\n'
            f"{creates}  :\n"
            "fi\n"
            f"exit {status}\n"
        )
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        return calls

    return make


def test_the_test_command_finds_chromium_and_the_cjk_fonts_missing(bare):
    assert bare.missing_packages("test", []) == ["chromium", "fonts-noto-cjk"]


def test_without_npm_the_browser_tests_need_it(bare, tmp_path):
    """npm installs axe-core, the accessibility checker of the browser tests."""
    no_npm = Machine(**{**bare.__dict__, "search_path": str(tmp_path / "empty")})

    assert no_npm.missing_packages("test", []) == ["chromium", "fonts-noto-cjk", "npm"]
    assert no_npm.missing_packages("test", ["tests/support"]) == []
    assert no_npm.missing_packages("run", []) == []


def test_the_run_command_needs_no_system_package(bare):
    """The embedded PostgreSQL and Redis come from Python packages: nothing to install."""
    assert bare.missing_packages("run", []) == []


def test_fonts_are_found_by_their_files_in_any_font_folder(bare):
    font = bare.font_dirs[0] / "opentype" / "noto" / "NotoSansCJK-Regular.ttc"
    font.parent.mkdir(parents=True)
    font.write_bytes(b"")
    bare.chromium.parent.mkdir(parents=True)
    bare.chromium.write_bytes(b"")

    assert bare.missing_packages("test", []) == []


def test_only_a_run_that_can_reach_the_browser_tests_needs_chromium(bare):
    assert browser_tests_selected([])
    assert browser_tests_selected(["-x", "--lf"])
    assert browser_tests_selected(["tests/browser/test_portal.py"])
    assert not browser_tests_selected(["tests/support", "-x"])
    assert bare.missing_packages("test", ["tests/tickets/test_api.py"]) == []


def test_without_ensurepip_a_new_virtualenv_needs_the_venv_package(bare, tmp_path, monkeypatch):
    """Debian's python3 without python3-venv cannot create a virtualenv with pip."""
    monkeypatch.setitem(sys.modules, "ensurepip", None)  # as if the module were not installed
    fresh = Machine(**{**bare.__dict__, "venv_python": tmp_path / "venv" / "bin" / "python"})

    assert fresh.missing_packages("run", []) == [venv_package()]
    assert venv_package() == f"python3.{sys.version_info.minor}-venv"


def test_an_old_python_gets_one_line():
    assert python_problem((3, 10, 12)) == (
        "Python 3.11 or newer is needed (this is 3.10.12): start the launcher with it."
    )
    assert python_problem((3, 11, 0)) is None
    assert python_problem((3, 13, 1)) is None


def test_as_root_the_missing_packages_are_installed_with_apt_get(bare, fake_apt_get, capsys):
    font = bare.font_dirs[0] / "opentype" / "noto" / "NotoSansCJK-Regular.ttc"
    calls = fake_apt_get(installs=(bare.chromium, font))

    prepare_machine("test", [], bare)

    assert calls.read_text().splitlines() == [
        "noninteractive update",
        "noninteractive install -y -q chromium fonts-noto-cjk",
    ]
    assert capsys.readouterr().out == (
        "Installing chromium, fonts-noto-cjk with apt-get "
        "(update, then apt-get install -y chromium fonts-noto-cjk) …\n"
    )


def test_not_root_stops_at_once_with_one_line_and_the_command(bare, fake_apt_get):
    calls = fake_apt_get()
    user = Machine(**{**bare.__dict__, "root": False})

    with pytest.raises(MachineNotReady) as stopped:
        prepare_machine("test", [], user)

    assert str(stopped.value) == (
        "Missing on this machine: chromium, fonts-noto-cjk. "
        "Install with: sudo apt-get install -y chromium fonts-noto-cjk"
    )
    assert not calls.exists()  # nothing was tried


def test_without_apt_get_it_stops_with_one_line(bare, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    with pytest.raises(MachineNotReady) as stopped:
        prepare_machine("test", [], bare)

    assert str(stopped.value) == (
        "Missing on this machine: chromium, fonts-noto-cjk (Debian's names). Install with the "
        "system's package manager (Debian, Ubuntu: apt-get install -y chromium fonts-noto-cjk)."
    )


def test_a_failed_apt_get_stops_with_one_line_and_keeps_its_output(bare, fake_apt_get):
    fake_apt_get(status=100)

    with pytest.raises(MachineNotReady) as stopped:
        prepare_machine("test", [], bare)

    assert str(stopped.value) == (
        "Missing on this machine: chromium, fonts-noto-cjk; apt-get update failed "
        f"(see {bare.apt_log}). Install with: apt-get install -y chromium fonts-noto-cjk"
    )
    assert bare.apt_log.exists()


def test_an_install_that_leaves_something_missing_says_what(bare, fake_apt_get):
    fake_apt_get(installs=(bare.chromium,))  # the fonts did not arrive

    with pytest.raises(MachineNotReady) as stopped:
        prepare_machine("test", [], bare)

    assert str(stopped.value) == (
        "Still missing after apt-get: fonts-noto-cjk. "
        "Install with: apt-get install -y fonts-noto-cjk"
    )


def test_the_launcher_stops_with_exit_status_1_and_the_line_on_stderr(bare, tmp_path):
    """Run as a program: MachineNotReady ends it like SystemExit, the line alone on stderr."""
    import subprocess

    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from config import launcher\n"
        f"machine = launcher.Machine(chromium=Path({str(bare.chromium)!r}), root=False,\n"
        f"    search_path={bare.search_path!r})\n"
        "launcher.prepare_machine('test', [], machine)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Missing on this machine: chromium. Install with: sudo apt-get install -y chromium\n"
    )


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with a lock file, and an npm on PATH that records its calls."""
    from config import launcher

    folder = tmp_path / "project"
    (folder / "node_modules").mkdir(parents=True)
    (folder / "package-lock.json").write_text('{"lockfileVersion": 3}')
    monkeypatch.setattr(launcher, "ROOT", folder)
    monkeypatch.setattr(launcher, "NODE_STAMP", folder / "node_modules" / ".installed")
    npm = executable(tmp_path / "bin" / "npm")
    npm.write_text(f'#!/bin/sh\necho "$*" >> "{tmp_path / "npm-calls"}"\nexit ${{NPM_STATUS:-0}}\n')
    monkeypatch.setenv("PATH", f"{npm.parent}:/usr/bin:/bin")
    return folder


def test_the_browser_tests_npm_packages_are_installed_once_per_lock_file(project, tmp_path):
    from config.launcher import ensure_node_packages

    ensure_node_packages()
    ensure_node_packages()  # unchanged lock file: nothing to do
    (project / "package-lock.json").write_text('{"lockfileVersion": 3, "changed": true}')
    ensure_node_packages()

    calls = (tmp_path / "npm-calls").read_text().splitlines()
    assert calls == ["ci --no-audit --no-fund --loglevel=error"] * 2


def test_a_failed_npm_ci_stops_with_one_line(project, monkeypatch):
    from config.launcher import ensure_node_packages

    monkeypatch.setenv("NPM_STATUS", "1")

    with pytest.raises(MachineNotReady) as stopped:
        ensure_node_packages()

    assert str(stopped.value) == (
        "npm ci failed (its output is above): the browser tests need axe-core from the npm "
        "registry. Run `npm ci` in the project folder once it can be reached."
    )
    assert not (project / "node_modules" / ".installed").exists()
