"""The embedded local S3 server (moto) used by `--demo`, `make run`, the example and the tests."""
