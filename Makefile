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
	libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core \
	binutils appstream desktop-file-utils

.PHONY: run test lint bench package test-package system-deps deps clean

system-deps:
	@bash .ci/system-deps.sh $(APT_PACKAGES)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[gui,test,package]'
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

# The Linux package: a PyInstaller one-folder bundle in a .deb (offline once deps ran).
DEB = dist/s3browser_$(shell sed -n 's/^__version__ = "\(.*\)"$$/\1/p' s3browser/_version.py)_$(shell dpkg --print-architecture).deb

package: deps
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/s3browser.spec
	bash packaging/linux/build_deb.sh dist/s3browser dist

# Unpack the .deb into a scratch root, self-test the installed bundle under Xvfb
# (with a real keyring), check its libraries, report size and start-up time.
test-package: package
	$(PY) packaging/linux/check_package.py $(DEB)

clean:
	rm -rf $(VENV) build dist *.egg-info
