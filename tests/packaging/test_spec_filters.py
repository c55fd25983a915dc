"""The spec's file filter keeps what each platform's bundle needs and drops the rest.

The filter decides by path inside the bundle, and PySide6 lays its files out
differently on Linux, Windows and macOS; only the Linux bundle is built here, so
the other layouts are checked by path.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

SPEC = Path(__file__).resolve().parents[2] / "packaging" / "s3browser.spec"


@pytest.fixture(scope="module")
def keep() -> Any:
    text = SPEC.read_text(encoding="utf-8")
    start = text.index("# The version comes from")
    end = text.index("datas = [(str(ROOT")
    namespace: dict[str, Any] = {
        "re": re,
        "os": os,
        "sys": sys,
        "Path": Path,
        "ROOT": SPEC.parents[1],
    }
    exec(compile(text[start:end], str(SPEC), "exec"), namespace)
    return namespace["_keep"]


@pytest.mark.parametrize(
    "path",
    [
        "PySide6/Qt/lib/libQt6Core.so.6",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libQt6Svg.so.6",
        "PySide6/Qt/lib/libQt6DBus.so.6",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt6Widgets.dll",
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "PySide6/Qt/lib/QtGui.framework/Versions/A/QtGui",
        "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
        "botocore/data/endpoints.json",
        "botocore/data/s3/2006-03-01/service-2.json.gz",
        "botocore/data/sts/2011-06-15/service-2.json.gz",
        "libpython3.11.so.1.0",
        "keyring-25.7.0.dist-info/entry_points.txt",
        "resources/icons/s3browser.svg",
    ],
)
def test_needed_files_are_kept(keep: Any, path: str) -> None:
    assert keep(path)


@pytest.mark.parametrize(
    "path",
    [
        "PySide6/Qt/lib/libQt6Qml.so.6",
        "PySide6/Qt/lib/libQt6Quick.so.6",
        "PySide6/Qt/lib/libQt6Network.so.6",
        "PySide6/Qt/lib/libQt6OpenGL.so.6",
        "PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6/Qt/qml/QtQuick/qmldir",
        "PySide6/Qt6Network.dll",
        "PySide6/Qt6Quick.dll",
        "PySide6/plugins/platforms/qminimal.dll",
        "PySide6/translations/qtbase_fr.qm",
        "PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick",
        "botocore/data/ec2/2016-11-15/service-2.json.gz",
    ],
)
def test_unused_files_are_dropped(keep: Any, path: str) -> None:
    assert not keep(path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux bundle only")
@pytest.mark.parametrize("name", ["libxcb.so.1", "libX11.so.6", "libstdc++.so.6", "libgtk-3.so.0"])
def test_linux_system_libraries_come_from_the_system(keep: Any, name: str) -> None:
    """The .deb depends on these; bundled copies break the system's GL drivers and fonts."""
    assert not keep(name)
