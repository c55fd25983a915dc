"""The PySide6 GUI. It never calls boto: every S3 call goes through ``s3browser.core``."""
