"""Checks a built ``.deb`` the way an installation would be checked (``make test-package``).

    python packaging/linux/check_package.py dist/s3browser_<version>_<arch>.deb

1. unpacks it into a scratch root (``dpkg -x``: no root rights or system changes);
2. checks the layout: the bundle in /opt/s3browser, /usr/bin/s3browser pointing at it,
   the launcher (``desktop-file-validate`` when installed), the icons, the metainfo
   (``appstreamcli validate``);
3. checks every shared library the bundle links against: it is either in the bundle
   or belongs to a Debian package named in ``Depends:``;
4. runs ``s3browser --version`` and ``s3browser --self-test`` from the unpacked bundle
   on a real X server (Xvfb) inside a D-Bus session with gnome-keyring, so the
   self-test also stores and reads a secret through the frozen keyring backends;
5. measures the bundle's size and its start-up time (to a visible window, and to
   ``--version``) against ``python -m s3browser`` from the source tree.

It prints a report, writes it to ``test-artifacts/package-report.txt`` and ends with
``package: N passed, M failed``; the exit code is 1 when a check failed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
RUNS = 3  # start-up measurements per variant (the median is reported)


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed: list[str] = []
        self.report: list[str] = []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        line = f"{'ok  ' if ok else 'FAIL'}  {name}" + (f": {detail}" if detail else "")
        print(line, flush=True)
        self.report.append(line)
        if ok:
            self.passed += 1
        else:
            self.failed.append(name)
        return ok

    def info(self, line: str) -> None:
        print(line, flush=True)
        self.report.append(line)


def run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload]


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """A user with no settings, no AWS config and no keyring of their own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QT_", "XDG_"))}
    for sub in ("config", "data", "cache", "state", "runtime"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    (home / "runtime").chmod(0o700)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_RUNTIME_DIR=str(home / "runtime"),
        AWS_CONFIG_FILE=str(home / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-aws-credentials"),
    )
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.update(extra)
    return env


# -- layout ----------------------------------------------------------------------------
def check_layout(c: Checks, root: Path, version: str) -> Path:
    bundle = root / "opt" / "s3browser"
    exe = bundle / "s3browser"
    c.check(
        "bundle executable", exe.is_file() and os.access(exe, os.X_OK), str(exe.relative_to(root))
    )
    link = root / "usr" / "bin" / "s3browser"
    c.check(
        "/usr/bin/s3browser",
        link.is_symlink() and os.readlink(link) == "/opt/s3browser/s3browser",
        f"-> {os.readlink(link) if link.is_symlink() else 'missing'}",
    )
    desktop = root / "usr/share/applications/s3browser.desktop"
    text = desktop.read_text() if desktop.is_file() else ""
    c.check(
        "launcher",
        "Exec=s3browser %u" in text and "x-scheme-handler/s3;" in text and "Icon=s3browser" in text,
        str(desktop.relative_to(root)),
    )
    if shutil.which("desktop-file-validate"):
        res = run(["desktop-file-validate", str(desktop)])
        c.check("desktop-file-validate", res.returncode == 0, (res.stdout + res.stderr).strip())
    icons = sorted((root / "usr/share/icons/hicolor").glob("*/apps/s3browser.*"))
    c.check("icons", len(icons) >= 10, f"{len(icons)} sizes in hicolor (scalable + PNGs)")
    meta = root / "usr/share/metainfo/io.github.s3browser.metainfo.xml"
    ok = meta.is_file() and f'version="{version}"' in meta.read_text()
    detail = "release matches the version"
    if ok and shutil.which("appstreamcli"):
        res = run(["appstreamcli", "validate", "--no-net", str(meta)])
        ok = res.returncode == 0
        detail = "appstreamcli validate: " + (res.stdout.strip().splitlines() or ["ok"])[-1]
    c.check("metainfo", ok, detail)
    return bundle


# -- shared libraries ------------------------------------------------------------------
def _elf_files(bundle: Path) -> list[Path]:
    out = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def _depends(control: str) -> set[str]:
    match = re.search(r"^Depends: (.*)$", control, re.M)
    names: set[str] = set()
    for group in (match.group(1) if match else "").split(","):
        for alt in group.split("|"):
            names.add(alt.strip().split(" ")[0])
    return names


def _owner(path: str) -> str | None:
    candidates = {path, os.path.realpath(path)}
    for p in list(candidates):
        if p.startswith("/usr/lib/"):
            candidates.add(p[len("/usr") :])
        elif p.startswith("/lib/"):
            candidates.add("/usr" + p)
    for p in candidates:
        res = run(["dpkg", "-S", p])
        if res.returncode == 0:
            return res.stdout.split(":", 1)[0].strip()
    return None


def check_libraries(c: Checks, bundle: Path, control: str) -> None:
    depends = _depends(control)
    # The bundle's executable puts _internal/ first on the library path; so does this.
    env = {**os.environ, "LD_LIBRARY_PATH": str(bundle / "_internal")}
    missing: set[str] = set()
    outside: dict[str, str] = {}  # library path -> first bundle file needing it
    for elf in _elf_files(bundle):
        needed = set(re.findall(r"\(NEEDED\).*\[(.*)\]", run(["readelf", "-d", str(elf)]).stdout))
        for line in run(["ldd", str(elf)], env=env).stdout.splitlines():
            parts = line.strip().split()
            if len(parts) >= 3 and parts[1] == "=>" and parts[0] in needed:
                if parts[2] == "not":
                    missing.add(f"{parts[0]} (for {elf.relative_to(bundle)})")
                elif not parts[2].startswith(str(bundle)):
                    outside.setdefault(parts[2], str(elf.relative_to(bundle)))
    c.check(
        "libraries resolve",
        not missing,
        ", ".join(sorted(missing)) or "every NEEDED library is found",
    )
    undeclared = []
    packages = set()
    for lib, user in sorted(outside.items()):
        pkg = _owner(lib)
        if pkg is None:
            undeclared.append(f"{lib} (no package owns it; needed by {user})")
            continue
        packages.add(pkg)
        if pkg not in depends:
            undeclared.append(f"{lib} from {pkg} (needed by {user})")
    c.check(
        "system libraries declared",
        not undeclared,
        "; ".join(undeclared)
        or f"{len(outside)} system libraries from {len(packages)} packages, all in Depends",
    )


# -- running the bundle ----------------------------------------------------------------
class Xvfb:
    """A private X server on a free display, stopped on exit."""

    def __enter__(self) -> str:
        read_fd, write_fd = os.pipe()
        self.proc = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as fh:
            number = fh.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        return f":{number}"

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _in_keyring_session(cmd: list[str]) -> list[str]:
    """Run ``cmd`` in a new D-Bus session with an unlocked gnome-keyring."""
    script = (
        "echo -n self-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1;"
        ' exec "$@"'
    )
    return ["dbus-run-session", "--", "sh", "-c", script, "sh", *cmd]


def check_self_test(c: Checks, exe: Path, display: str, home: Path) -> None:
    shot = ARTIFACTS / "package-self-test.png"
    env = isolated_env(
        home,
        DISPLAY=display,
        S3BROWSER_SELFTEST_KEYRING="required",
        S3BROWSER_SELFTEST_SCREENSHOT=str(shot),
    )
    have_keyring = bool(shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"))
    cmd = [str(exe), "--self-test"]
    if have_keyring:
        cmd = _in_keyring_session(cmd)
    else:
        env.pop("S3BROWSER_SELFTEST_KEYRING")
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
    finally:
        _stop_group(proc)
    seconds = time.perf_counter() - started
    for line in out.strip().splitlines():
        c.info("      | " + line)
    ok = proc.returncode == 0 and "self-test passed" in out
    reason = err.strip().splitlines()[-1] if err.strip() and not ok else ""
    if not ok:
        for line in err.strip().splitlines()[-25:]:
            c.info("   err| " + line)
    c.check(
        "self-test from the installed bundle",
        ok,
        f"exit {proc.returncode} in {seconds:.1f} s {reason}",
    )
    if have_keyring:
        c.check(
            "keyring backends in the frozen app",
            "a secret was stored, read back and deleted" in out,
            "SecretService through gnome-keyring" if ok else "see the self-test output",
        )


def _stop_group(proc: subprocess.Popen[str] | subprocess.Popen[bytes]) -> None:
    """SIGTERM the run's process group, then SIGKILL whatever is left of it (a demo
    server busy seeding does not stop on SIGTERM at once)."""
    _kill_group(proc)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    time.sleep(0.5)
    _kill_group(proc, 9)
    proc.wait()


def _kill_group(proc: subprocess.Popen[str] | subprocess.Popen[bytes], sig: int = 15) -> None:
    """Stop what a run left behind in its own session (dbus, gnome-keyring, moto)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _window_shown(display: str, name: str = "s3browser") -> bool:
    res = run(
        ["xdotool", "search", "--onlyvisible", "--name", name],
        env={**os.environ, "DISPLAY": display},
    )
    return res.returncode == 0 and bool(res.stdout.strip())


def time_to_window(
    cmd: list[str],
    env: dict[str, str],
    display: str,
    timeout: float = 60,
    name: str = "s3browser",
    inspect: Callable[[], None] | None = None,
    log: Path | None = None,
) -> float | None:
    """Seconds from exec to a visible window whose title matches ``name``, or None.

    ``inspect`` runs while that window is still open; ``log`` gets the app's output and
    how the wait ended."""
    started = time.perf_counter()
    out = log.open("w") if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(
        cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                if log is not None:
                    print(f"\n== the app exited with code {proc.returncode}", file=out, flush=True)
                return None
            if _window_shown(display, name):
                seconds = time.perf_counter() - started
                if inspect is not None:
                    inspect()
                return seconds
            time.sleep(0.02)
        if log is not None:
            print(f"\n== no window titled {name!r} after {timeout:.0f} s", file=out, flush=True)
        return None
    finally:
        _stop_group(proc)
        if log is not None:
            out.close()  # type: ignore[union-attr]
        while _window_shown(display):
            time.sleep(0.05)


def check_url_handler(c: Checks, root: Path, display: str, home: Path) -> None:
    """Run the installed launcher's Exec line with an s3:// link, as a desktop would."""
    sys.path.insert(0, str(ROOT))
    from s3browser.demo.catalog import ANALYTICS_BUCKET

    desktop = (root / "usr/share/applications/s3browser.desktop").read_text()
    exec_line = re.search(r"^Exec=(.*)$", desktop, re.M).group(1).split()  # type: ignore[union-attr]
    url = f"s3://{ANALYTICS_BUCKET}/sales/"
    program = root / "usr/bin" / exec_line[0]
    program = root / os.readlink(program).lstrip("/") if program.is_symlink() else program
    cmd = [str(program), *(url if arg == "%u" else arg for arg in exec_line[1:])]
    wm_class = re.search(r"^StartupWMClass=(.*)$", desktop, re.M)
    props: list[str] = []

    def window_properties() -> None:
        ids = run(
            ["xdotool", "search", "--onlyvisible", "--name", re.escape(url)],
            env={**os.environ, "DISPLAY": display},
        ).stdout.split()
        if ids:
            res = run(
                ["xprop", "-id", ids[0], "WM_CLASS", "_NET_WM_ICON"],
                env={**os.environ, "DISPLAY": display},
            )
            props.append(res.stdout)

    seconds = time_to_window(
        cmd,
        # The no-account demo seeds 200,000 keys before it lists anything: a link check
        # needs only a few.
        isolated_env(home, DISPLAY=display, S3BROWSER_DEMO_LARGE_KEYS="2000"),
        display,
        timeout=120,
        name=re.escape(url),
        inspect=window_properties if shutil.which("xprop") else None,
        log=ARTIFACTS / "package-url-handler.log",
    )
    c.check(
        "s3:// link opens the app there",
        seconds is not None,
        f"{' '.join(exec_line)} with {url}: a window showing it in {seconds:.1f} s"
        if seconds
        else "no window showed it: "
        + (ARTIFACTS / "package-url-handler.log").read_text().strip().splitlines()[-1].strip("= "),
    )
    if props and wm_class:
        want = f'"{wm_class.group(1)}"'
        c.check(
            "window matches its launcher",
            want in props[0].split("WM_CLASS(STRING) =", 1)[-1].splitlines()[0]
            and "Icon (" in props[0],
            f"WM_CLASS has {want} (StartupWMClass), the window carries the app icon",
        )


def time_command(cmd: list[str], env: dict[str, str]) -> float | None:
    started = time.perf_counter()
    res = subprocess.run(cmd, env=env, capture_output=True, check=False)
    return time.perf_counter() - started if res.returncode == 0 else None


def _median(measure: Callable[[], float | None]) -> str:
    values = [v for v in (measure() for _ in range(RUNS)) if v is not None]
    return f"{statistics.median(values):.2f} s" if values else "n/a"


def measure_start_up(c: Checks, exe: Path, display: str, home: Path) -> None:
    env = isolated_env(home, DISPLAY=display, S3BROWSER_DEMO_LARGE_KEYS="2000")
    py_env = {**env, "PYTHONPATH": str(ROOT)}
    py = [sys.executable, "-m", "s3browser"]
    c.info(f"start-up (median of {RUNS}, noisy shared machine; same run, so compare the two):")
    c.info(
        f"  to a visible window, no account (demo):  bundle {_median(lambda: time_to_window([str(exe)], env, display))}"
        f"   python -m s3browser {_median(lambda: time_to_window(py, py_env, display))}"
    )
    c.info(
        f"  --version:                               bundle {_median(lambda: time_command([str(exe), '--version'], env))}"
        f"   python -m s3browser {_median(lambda: time_command([*py, '--version'], py_env))}"
    )


# The goal is 120 MB; this bound only catches a gross regression (a new
# dependency dragging in QtNetwork, numpy, ...): the figure itself is reported.
SIZE_GUARD_MIB = 140


def check_size(c: Checks, bundle: Path, deb: Path) -> None:
    kib = int(run(["du", "-sk", str(bundle)]).stdout.split()[0])
    mib = kib / 1024
    c.check(
        "bundle size",
        mib <= SIZE_GUARD_MIB,
        f"{mib:.1f} MiB = {kib * 1024 / 1e6:.1f} MB unpacked (goal 120 MB, guard {SIZE_GUARD_MIB} MiB);"
        f" .deb {deb.stat().st_size / 2**20:.1f} MiB",
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    deb = Path(argv[0]).resolve()
    ARTIFACTS.mkdir(exist_ok=True)
    version = re.search(r'"(.*)"', (ROOT / "s3browser/_version.py").read_text()).group(1)  # type: ignore[union-attr]
    c = Checks()
    with tempfile.TemporaryDirectory(prefix="s3browser-pkg-") as tmp:
        root = Path(tmp) / "root"
        res = run(["dpkg", "-x", str(deb), str(root)])
        if not c.check("unpack", res.returncode == 0, f"dpkg -x {deb.name} {res.stderr.strip()}"):
            return 1
        control = run(["dpkg-deb", "-f", str(deb)]).stdout
        c.check(
            "control",
            f"Version: {version}" in control and "libxcb-cursor0" in control,
            "version and Depends",
        )
        bundle = check_layout(c, root, version)
        exe = bundle / "s3browser"
        res = run([str(exe), "--version"], env=isolated_env(Path(tmp) / "home-v"))
        c.check(
            "--version",
            res.stdout.strip() == f"s3browser {version}",
            res.stdout.strip() or res.stderr.strip(),
        )
        check_libraries(c, bundle, control)
        with Xvfb() as display:
            check_self_test(c, exe, display, Path(tmp) / "home-selftest")
            if shutil.which("xdotool"):
                check_url_handler(c, root, display, Path(tmp) / "home-url")
                measure_start_up(c, exe, display, Path(tmp) / "home-startup")
        check_size(c, bundle, deb)
    summary = f"package: {c.passed} passed, {len(c.failed)} failed"
    (ARTIFACTS / "package-report.txt").write_text("\n".join([*c.report, summary]) + "\n")
    print(summary)
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
