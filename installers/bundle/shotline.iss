; Inno Setup script for Shotline on Windows: wraps the folder that
; installers/build-bundle.sh froze (build\bundle\dist\shotline) in a per-user
; installer with a Start menu entry and the .otio file association.
; Built by .github/workflows/bundle.yml:  iscc /DVersion=X installers\bundle\shotline.iss

#ifndef Version
  #define Version "0"
#endif

[Setup]
AppId={{6B0E5A8E-3C55-4C1B-9A31-5C7D2D1F0E11}
AppName=Shotline
AppVersion={#Version}
AppPublisher=Shotline
DefaultDirName={autopf}\Shotline
DefaultGroupName=Shotline
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=shotline-{#Version}-windows-x86_64-setup
SetupIconFile=..\..\build\bundle\icons\shotline.ico
UninstallDisplayIcon={app}\shotline.exe
ChangesAssociations=yes
Compression=lzma2/max
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "..\..\build\bundle\dist\shotline\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Shotline"; Filename: "{app}\shotline.exe"
Name: "{group}\Set up the AI engine"; Filename: "{app}\shotline.exe"; Parameters: "setup-ai"

[Registry]
Root: HKCU; Subkey: "Software\Classes\.otio"; ValueType: string; ValueData: "Shotline.Project"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\Shotline.Project"; ValueType: string; ValueData: "OpenTimelineIO timeline"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Shotline.Project\DefaultIcon"; ValueType: string; ValueData: "{app}\shotline.exe,0"
Root: HKCU; Subkey: "Software\Classes\Shotline.Project\shell\open\command"; ValueType: string; ValueData: """{app}\shotline.exe"" ""%1"""
