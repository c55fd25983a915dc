"""The Qt-free async service layer: asyncio and aioboto3 only.

Nothing in this package imports Qt, so scripts, the CLI and the GUI all share it.
"""
