"""The editing form of the connect dialog: one profile's fields, and nothing else.

The form knows how a provider preset fills the endpoint, region and addressing
style, and which fields each credential kind needs; it never talks to the keyring
or the network (the dialog does, off the GUI thread).
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from s3browser.core.errors import InvalidInputError
from s3browser.credentials.presets import PRESETS, preset
from s3browser.credentials.profiles import ADDRESSING_STYLES, Profile, ProfileKind, Secrets
from s3browser.ui.dialogs.qt_helpers import named

_TLS_SYSTEM, _TLS_BUNDLE, _TLS_OFF = range(3)


class ProfileForm(QWidget):
    """Fields of one profile; ``changed`` fires on every edit the user makes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._has_stored_secret = False
        self._keyring_persistent = True
        self._file_dialog: QFileDialog | None = None

        self.name = named(QLineEdit(), "name")
        self.name.setPlaceholderText("e.g. Production analytics")
        self.preset = named(QComboBox(), "preset")
        for p in PRESETS:
            self.preset.addItem(p.label, p.id)
        self.preset_value = named(QLineEdit(), "presetValue")
        self._regions = QStringListModel(self)
        self.preset_value.setCompleter(QCompleter(self._regions, self.preset_value))
        self.preset_label = QLabel("Region")
        self.preset_hint = named(QLabel(wordWrap=True), "presetHint")
        self.preset_hint.setStyleSheet("color: palette(placeholder-text);")

        self.kind = named(QComboBox(), "kind")
        for kind in ProfileKind:
            self.kind.addItem(kind.label, kind.value)
        self.access_key_id = named(QLineEdit(), "accessKeyId")
        self.secret_key = named(QLineEdit(echoMode=QLineEdit.EchoMode.Password), "secretKey")
        self.session_token = named(QLineEdit(echoMode=QLineEdit.EchoMode.Password), "sessionToken")
        self.session_token.setPlaceholderText("only for temporary credentials")
        self.aws_profile = named(QComboBox(editable=True), "awsProfile")

        self.region = named(QLineEdit(), "region")
        self.region.setPlaceholderText("from the AWS config, else us-east-1")
        self.endpoint = named(QLineEdit(), "endpoint")
        self.endpoint.setPlaceholderText("empty for AWS")
        self.addressing = named(QComboBox(), "addressing")
        for style in ADDRESSING_STYLES:
            self.addressing.addItem(style, style)
        self.tls = named(QComboBox(), "tls")
        self.tls.addItems(
            ["Verify with the system's CAs", "Verify with a CA bundle", "Do not verify (insecure)"]
        )
        self.ca_bundle = named(QLineEdit(), "caBundle")
        self.ca_bundle.setPlaceholderText("path of a PEM file")
        self.browse = named(QPushButton("Browse…"), "browseCa")

        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Provider", self.preset)
        form.addRow(self.preset_label, self.preset_value)
        form.addRow("", self.preset_hint)
        form.addRow("Credentials", self.kind)
        form.addRow("Access key id", self.access_key_id)
        form.addRow("Secret access key", self.secret_key)
        form.addRow("Session token", self.session_token)
        form.addRow("AWS profile", self.aws_profile)
        form.addRow("Region", self.region)
        form.addRow("Endpoint URL", self.endpoint)
        form.addRow("Addressing", self.addressing)
        form.addRow("TLS", self.tls)
        bundle_row = QHBoxLayout()
        bundle_row.addWidget(self.ca_bundle, 1)
        bundle_row.addWidget(self.browse)
        form.addRow("CA bundle", bundle_row)
        self._bundle_row = form.rowCount() - 1
        self._form = form

        for edit in (
            self.name,
            self.access_key_id,
            self.secret_key,
            self.session_token,
            self.region,
            self.endpoint,
            self.ca_bundle,
        ):
            edit.textEdited.connect(self._user_changed)
        self.preset_value.textEdited.connect(self._apply_preset)
        self.preset.activated.connect(self._preset_chosen)
        self.kind.activated.connect(self._kind_chosen)
        for combo in (self.addressing, self.tls):
            combo.activated.connect(self._user_changed)
        self.aws_profile.currentTextChanged.connect(self._user_changed)
        self.tls.activated.connect(self._update_visibility)
        self.browse.clicked.connect(self._browse_ca)
        self._show_preset("aws")
        self._update_visibility()

    # -- loading and reading ----------------------------------------------------------
    def set_aws_profile_names(self, names: list[str]) -> None:
        current = self.aws_profile.currentText()
        self._loading = True
        self.aws_profile.clear()
        self.aws_profile.addItems(names)
        self.aws_profile.setCurrentText(current)
        self._loading = False

    def load(self, profile: Profile, *, has_stored_secret: bool) -> None:
        """Show ``profile``; the secret fields start empty (the keyring keeps the secret)."""
        self._loading = True
        try:
            self._has_stored_secret = has_stored_secret
            self.name.setText(profile.name)
            p = preset(profile.preset)
            self.preset.setCurrentIndex(max(0, self.preset.findData(p.id)))
            self._show_preset(p.id)
            self.preset_value.setText(
                profile.preset_value or p.guess_value(profile.endpoint_url, profile.region)
            )
            self.kind.setCurrentIndex(max(0, self.kind.findData(profile.kind.value)))
            self.access_key_id.setText(profile.access_key_id)
            self.secret_key.clear()
            self.session_token.clear()
            self.aws_profile.setCurrentText(profile.aws_profile)
            self.region.setText(profile.region)
            self.endpoint.setText(profile.endpoint_url)
            self.addressing.setCurrentIndex(
                max(0, self.addressing.findData(profile.addressing_style))
            )
            if profile.verify is True:
                self.tls.setCurrentIndex(_TLS_SYSTEM)
                self.ca_bundle.clear()
            elif profile.verify is False:
                self.tls.setCurrentIndex(_TLS_OFF)
                self.ca_bundle.clear()
            else:
                self.tls.setCurrentIndex(_TLS_BUNDLE)
                self.ca_bundle.setText(str(profile.verify))
            self._update_secret_placeholder()
        finally:
            self._loading = False
        self._update_visibility()

    def profile(self, base: Profile) -> Profile:
        """The profile as edited (same id as ``base``); raises InvalidInputError if unusable."""
        tls = self.tls.currentIndex()
        verify: bool | str = True
        if tls == _TLS_OFF:
            verify = False
        elif tls == _TLS_BUNDLE:
            verify = self.ca_bundle.text().strip()
            if not verify:
                raise InvalidInputError("Choose the CA bundle file, or verify with system CAs.")
        kind = ProfileKind(self.kind.currentData())
        profile = base.edited(
            name=self.name.text().strip(),
            kind=kind,
            access_key_id=self.access_key_id.text().strip()
            if kind is ProfileKind.ACCESS_KEYS
            else "",
            aws_profile=self.aws_profile.currentText().strip()
            if kind is ProfileKind.AWS_PROFILE
            else "",
            region=self.region.text().strip(),
            endpoint_url=self.endpoint.text().strip().rstrip("/"),
            addressing_style=self.addressing.currentData(),
            verify=verify,
            preset=self.preset.currentData(),
            preset_value=self.preset_value.text().strip(),
        )
        profile.validate()
        return profile

    def typed_secrets(self) -> Secrets | None:
        """What the user typed in the secret fields, or None to keep the stored secret."""
        secret = self.secret_key.text()
        token = self.session_token.text()
        if not secret and not token:
            return None
        if not secret:
            raise InvalidInputError("Type the secret access key that goes with the session token.")
        return Secrets(secret.strip(), token.strip())

    def set_keyring_persistent(self, persistent: bool) -> None:
        """Say truthfully where a typed secret will go (keyring, or memory for the session)."""
        self._keyring_persistent = persistent
        self._update_secret_placeholder()

    def set_has_stored_secret(self, stored: bool) -> None:
        """What the keyring answered for this profile (the form assumed it was there)."""
        self._has_stored_secret = stored
        self._update_secret_placeholder()

    def _update_secret_placeholder(self) -> None:
        where = "the system keyring" if self._keyring_persistent else "memory, for this session"
        self.secret_key.setPlaceholderText(
            f"stored in {where} — type to replace"
            if self._has_stored_secret
            else f"type it: kept in {where}, never in a file"
        )

    @property
    def has_stored_secret(self) -> bool:
        return self._has_stored_secret

    def clear_secret_fields(self) -> None:
        self.secret_key.clear()
        self.session_token.clear()

    def set_read_only(self, read_only: bool) -> None:
        for w in (
            self.name,
            self.preset,
            self.preset_value,
            self.kind,
            self.access_key_id,
            self.secret_key,
            self.session_token,
            self.aws_profile,
            self.region,
            self.endpoint,
            self.addressing,
            self.tls,
            self.ca_bundle,
            self.browse,
        ):
            w.setEnabled(not read_only)

    # -- reacting to the user ---------------------------------------------------------
    def _user_changed(self, *_: object) -> None:
        if not self._loading:
            self.changed.emit()

    def _preset_chosen(self, _index: int) -> None:
        p = preset(self.preset.currentData())
        self._show_preset(p.id)
        self._update_visibility()
        self.preset_value.setText(p.default_value)
        if p.id == "aws":
            self.endpoint.clear()
        self._apply_preset()

    def _show_preset(self, preset_id: str) -> None:
        p = preset(preset_id)
        self.preset_label.setText(p.prompt)
        self.preset_value.setPlaceholderText(p.default_value or p.prompt.lower())
        self.preset_hint.setText(p.hint)
        self._form.setRowVisible(self.preset_hint, bool(p.hint))
        self._regions.setStringList(list(p.regions))

    def _apply_preset(self, *_: object) -> None:
        """Fill endpoint, region and addressing from the preset; silent while incomplete."""
        p = preset(self.preset.currentData())
        try:
            result = p.apply(self.preset_value.text())
        except InvalidInputError:
            self._user_changed()
            return
        self.endpoint.setText(result.endpoint_url)
        self.region.setText(result.region)
        self.addressing.setCurrentIndex(max(0, self.addressing.findData(result.addressing_style)))
        self._user_changed()

    def _kind_chosen(self, _index: int) -> None:
        self._update_visibility()
        self._user_changed()

    def _update_visibility(self, *_: object) -> None:
        kind = ProfileKind(self.kind.currentData())
        keys = kind is ProfileKind.ACCESS_KEYS
        for w in (self.access_key_id, self.secret_key, self.session_token):
            self._form.setRowVisible(w, keys)
        self._form.setRowVisible(self.aws_profile, kind is ProfileKind.AWS_PROFILE)
        # A preset that asks for the region already shows it: one Region field, not two.
        asks = preset(self.preset.currentData()).asks
        self._form.setRowVisible(self.region, asks != "region")
        # Likewise a server address *is* the endpoint URL.
        self._form.setRowVisible(self.endpoint, asks != "url")
        bundle = self.tls.currentIndex() == _TLS_BUNDLE
        self._form.setRowVisible(self._bundle_row, bundle)

    def _browse_ca(self) -> None:
        # open() + a signal, never the static (modal, nested-loop) getOpenFileName.
        dialog = QFileDialog(
            self, "Choose a CA bundle", "", "PEM files (*.pem *.crt);;All files (*)"
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self._ca_chosen)
        self._file_dialog = dialog
        dialog.open()

    def _ca_chosen(self, path: str) -> None:
        self.ca_bundle.setText(path)
        self._user_changed()
