"""Qt widgets of the main window: each one owns its own core requests (TaskGroup)."""
