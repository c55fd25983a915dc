# Builds the Windows bundle and installer (run from the repository root on Windows
# with Python 3.11 and Inno Setup 6; .github/workflows/package.yml does this).
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
python -m pip install --upgrade pip
python -m pip install -e ".[gui,demo,package]"
pyinstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller packaging\s3browser.spec
$version = (Select-String -Path s3browser\_version.py -Pattern '"(.*)"').Matches[0].Groups[1].Value
# The bundle checks itself before it is packed (offscreen: no desktop needed).
$env:QT_QPA_PLATFORM = "offscreen"
$p = Start-Process -FilePath dist\s3browser\s3browser.exe -ArgumentList "--self-test" -Wait -PassThru -NoNewWindow -RedirectStandardOutput build\self-test.txt
Get-Content build\self-test.txt
if ($p.ExitCode -ne 0) { throw "self-test failed with exit code $($p.ExitCode)" }
$iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
if (-not (Test-Path $iscc)) { choco install innosetup -y --no-progress; }
& $iscc "/DAppVersion=$version" packaging\windows\s3browser.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Get-ChildItem dist\*.exe
