# The two commands a new machine needs are `make run` and `make test`; each one
# installs what it needs (Debian packages when run as root, the venv, the Python
# packages) and is safe to run again: every install step is skipped when done.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Debian packages for a real X server (Xvfb), screenshots, the Qt xcb plugin
# and a real Secret Service (gnome-keyring inside dbus-run-session).
APT_PACKAGES := xvfb xauth xdotool x11-utils imagemagick dbus dbus-x11 gnome-keyring \
	libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
	libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1 \
	libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core

.PHONY: run test lint bench package test-package system-deps deps clean

system-deps:
	@bash .ci/system-deps.sh $(APT_PACKAGES)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[gui,test]'
	@touch $(STAMP)

deps: system-deps $(STAMP)

run: deps
	$(PY) -m s3browser $(ARGS)

test: deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: deps
	$(VENV)/bin/ruff check s3browser tests
	$(VENV)/bin/mypy s3browser

bench: deps
	$(PY) -m tests.bench.run_all

clean:
	rm -rf $(VENV) build dist *.egg-info
