"""Qt item models for the main window: bucket tree, object table, sort proxy."""
