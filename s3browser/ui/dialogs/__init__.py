"""Dialogs: non-modal, opened with ``open()`` and answered through signals."""
