"""The packaging files agree with each other and with the code (cheap; no build).

The heavy check (build the bundle and the .deb, install, self-test under Xvfb) is
``make test-package``; these tests catch the mistakes that would only show there,
or only on a user's desktop: a launcher that drops the s3:// URL, a metainfo
release that is not the app's version, an icon size that is not the size it says,
or a Qt module the code imports but the bundle excludes.
"""

from __future__ import annotations

import configparser
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from s3browser._version import __version__

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
SPEC = ROOT / "packaging" / "s3browser.spec"


def _desktop() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(RESOURCES / "s3browser.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_launcher_passes_s3_urls_to_the_app() -> None:
    entry = _desktop()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "s3browser %u"  # %u: the clicked s3:// link becomes the location
    assert "x-scheme-handler/s3" in entry["MimeType"].split(";")
    assert entry["Icon"] == "s3browser"
    assert entry["Terminal"] == "false"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_launcher_is_a_valid_desktop_entry() -> None:
    res = subprocess.run(
        ["desktop-file-validate", str(RESOURCES / "s3browser.desktop")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_metainfo_matches_the_app() -> None:
    root = ET.parse(RESOURCES / "io.github.s3browser.metainfo.xml").getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("launchable") == "s3browser.desktop"
    assert root.findtext("icon") == _desktop()["Icon"]
    assert root.findtext("provides/binary") == "s3browser"
    assert root.findtext("provides/mediatype") == "x-scheme-handler/s3"
    releases = [r.get("version") for r in root.iter("release")]
    assert releases and releases[0] == __version__, "add a <release> for the new version"


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_metainfo_validates() -> None:
    res = subprocess.run(
        [
            "appstreamcli",
            "validate",
            "--no-net",
            str(RESOURCES / "io.github.s3browser.metainfo.xml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_icons_exist_in_every_size_they_claim() -> None:
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        from render_icons import SIZES
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    ET.parse(RESOURCES / "icons" / "s3browser.svg")  # well-formed
    for size in SIZES:
        png = RESOURCES / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "s3browser.png"
        assert png.is_file(), f"missing {png}; run packaging/render_icons.py"
        assert _png_size(png) == (size, size)


def _spec_block(name: str) -> str:
    text = SPEC.read_text(encoding="utf-8")
    match = re.search(rf"^{name} = (.*?)^\S", text, re.S | re.M)
    assert match, f"{name} not found in the spec"
    return match.group(1)


def test_bundle_keeps_every_qt_module_the_code_imports() -> None:
    excluded = set(re.findall(r"\bQt\w+", _spec_block("QT_EXCLUDES")))
    excluded |= {"Qt" + name for name in re.findall(r'"(\w+)"', _spec_block("QT_LIBS_DROPPED"))}
    used: dict[str, str] = {}
    for path in (ROOT / "s3browser").rglob("*.py"):
        for module in re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")):
            used.setdefault(module, str(path.relative_to(ROOT)))
    assert "QtWidgets" in used
    wrongly = {m: where for m, where in used.items() if m in excluded}
    assert not wrongly, f"the spec excludes Qt modules the app imports: {wrongly}"


def test_bundle_keeps_every_runtime_dependency() -> None:
    """A dependency in pyproject is there to be used: the spec must not exclude it (awscrt
    was excluded while only botocore used it optionally; then the checksums needed it)."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"]) + list(project["optional-dependencies"]["gui"])
    names = {
        re.split(r"[<>=!~\[ ;]", dep, maxsplit=1)[0].lower().replace("-", "_") for dep in wanted
    }
    excluded = {name.lower() for name in re.findall(r'"([\w.]+)"', _spec_block("PY_EXCLUDES"))}
    assert not names & excluded, f"the spec excludes runtime dependencies: {names & excluded}"


def test_deb_declares_the_qt_xcb_libraries() -> None:
    control = (ROOT / "packaging" / "linux" / "control.in").read_text(encoding="utf-8")
    depends = re.search(r"^Depends: (.*)$", control, re.M)
    assert depends
    names = {alt.strip().split(" ")[0] for g in depends.group(1).split(",") for alt in g.split("|")}
    for lib in (
        "libxcb-cursor0",
        "libxkbcommon-x11-0",
        "libxcb-icccm4",
        "libxcb-keysyms1",
        "libxcb-shape0",
        "libxcb-render-util0",
        "libxcb-image0",
        "libegl1",
        "libgl1",
        "libfontconfig1",
        "libdbus-1-3",
    ):
        assert lib in names, f"{lib} missing from Depends"
    assert "@VERSION@" in control  # the version comes from s3browser/_version.py only


def test_version_has_one_source() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert 'version = { attr = "s3browser._version.__version__" }' in pyproject
    res = subprocess.run(
        [sys.executable, "-m", "s3browser", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"s3browser {__version__}"


def test_frozen_launcher_runs_only_the_apps_own_modules() -> None:
    """The bundle's executable stands in for ``python -m s3browser.x`` (the demo server
    runs that way) but is not a general interpreter."""
    launcher = ROOT / "packaging" / "launcher.py"
    ok = subprocess.run(
        [sys.executable, str(launcher), "-m", "s3browser.demo", "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert ok.returncode == 0, ok.stderr
    assert "--seed" in ok.stdout
    refused = subprocess.run(
        [sys.executable, str(launcher), "-m", "http.server"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=30,
    )
    assert refused.returncode != 0
