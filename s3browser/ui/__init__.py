"""The PySide6 GUI. It never calls boto: every S3 call goes through ``s3browser.core``."""

from s3browser.ui import qt_fixes as _qt_fixes

_qt_fixes.apply()  # PySide6 6.12.0 on Python 3.11 loses references to None/True (see module)
