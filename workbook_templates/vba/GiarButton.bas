Attribute VB_Name = "GiarButton"
Option Explicit

' The "check" button of the giar-xl workbook. Keep this module ASCII-only: VBA source is stored
' in the project's ANSI code page, so every Chinese text comes from Python.
' The Python module is fixed here and never derived from the workbook's file name, so a renamed
' copy ("2025 report (1).xlsm") or a Chinese folder keeps working.
Public Sub GiarCheck()
    RunPython "import giar_xl.button; giar_xl.button.run()"
End Sub
