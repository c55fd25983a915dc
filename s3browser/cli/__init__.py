"""The command line: a headless client on the same core as the GUI."""
