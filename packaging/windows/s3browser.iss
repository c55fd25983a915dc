; Inno Setup script for the Windows installer (not built or run on the Linux CI:
; .github/workflows/package.yml builds it on a Windows runner).
;
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\s3browser.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\s3browser.iss
;
; Installs the PyInstaller one-folder bundle (dist\s3browser) into Program Files
; (or the user's AppData when installed without admin rights), adds a Start menu
; entry, and registers s3browser as the handler of s3:// links.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "S3 Browser"
#define AppExe "s3browser.exe"

[Setup]
AppId={{6B0F3C52-5E0C-4C8B-9C39-8B1E5A3F2D71}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=The s3browser contributors
AppPublisherURL=https://github.com/s3browser/s3browser
DefaultDirName={autopf}\s3browser
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=s3browser-{#AppVersion}-setup
SetupIconFile=s3browser.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\s3browser\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; s3:// links open the app at that location ("s3browser.exe s3://bucket/prefix/").
Root: HKA; Subkey: "Software\Classes\s3"; ValueType: string; ValueName: ""; ValueData: "URL:S3 location"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\s3"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\s3\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKA; Subkey: "Software\Classes\s3\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
