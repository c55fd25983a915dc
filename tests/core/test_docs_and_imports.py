"""The README's API example runs, the example script runs, and the core imports no Qt."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def test_import_s3browser_does_not_import_qt() -> None:
    code = (
        "import sys\n"
        "import s3browser\n"
        "from s3browser import S3ConnectorFactory, S3ConnectorService, S3AuthenticationService,"
        " S3DataService, S3_CONFIG, S3Object, S3Bucket\n"
        "import s3browser.core.connector, s3browser.core.session, s3browser.cli.main\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'qasync', 'shiboken6'))]\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_core_sources_never_import_qt() -> None:
    for path in (ROOT / "s3browser" / "core").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) (PySide6|qasync)", text, re.M), path


def _readme_api_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using the service layer from Python", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README lost its API example"
    return match.group(1)


def test_readme_api_example_runs(credentials: dict[str, Any], s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket="reports")
    s3_admin.put_object(Bucket="reports", Key="2024/report-q1.csv", Body=b"a,b\n1,2\n")
    code = _readme_api_example()
    # Run it as written, with the moto server's credentials in place of the placeholders.
    start = code.index("asyncio.run(main({")
    code = code[:start] + f"asyncio.run(main({credentials!r}))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["123456789012", "1", "1"]


def test_example_script_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "s3browser.example"], capture_output=True, text=True, timeout=180
    )
    assert out.returncode == 0, out.stderr
    for marker in ("== 1.", "== 2.", "== 3.", "search for", "read ", "unreachable endpoint"):
        assert marker in out.stdout
    assert "could not be reached" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
