Attribute VB_Name = "GiarButton"
Option Explicit

' The "check" button of the giar-xl workbook. Keep this module ASCII-only: VBA source is stored
' in the project's ANSI code page, so every Chinese text comes from Python (or from ChrW codes).
' The Python module is fixed here and never derived from the workbook's file name, so a renamed
' copy ("2025 report (1).xlsm") or a Chinese folder keeps working.
'
' With GIAR_SERVER set (xlwings.conf sheet, xlwings.conf beside the workbook, or
' %USERPROFILE%\.xlwings\xlwings.conf), the workbook goes to a county's "giar-xl serve"
' instead of a local Python. That route runs RunRemotePython from xlwings' own add-in
' (xlwings.xlam, per user in Excel's XLSTART folder); see docs/serve.md.
Public Sub GiarCheck()
    Dim url As String
    url = GetConfig("GIAR_SERVER")
    If url = "" Then
        RunPython "import giar_xl.button; giar_xl.button.run()"
        Exit Sub
    End If
    If Right(url, 1) = "/" Then url = Left(url, Len(url) - 1)
    On Error GoTo Failed
    Application.Run "xlwings.xlam!RunRemotePython", url & "/xlwings/giar-check"
    Exit Sub
Failed:
    MsgBox ServerFailedText() & vbCrLf & "(" & Err.Description & ")", vbExclamation, "giar-xl"
End Sub

' The message when the server route fails (the add-in missing, a wrong address, no server).
Private Function ServerFailedText() As String
    Dim t As String
    t = t & ChrW(&H65E0) & ChrW(&H6CD5) & ChrW(&H901A) & ChrW(&H8FC7) & " xlwings " & ChrW(&H63D2) & ChrW(&H4EF6) & ChrW(&HFF08)
    t = t & "xlwings.xlam" & ChrW(&HFF09) & ChrW(&H8FDE) & ChrW(&H63A5) & ChrW(&H6821) & ChrW(&H9A8C) & ChrW(&H670D) & ChrW(&H52A1)
    t = t & ChrW(&H5668) & ChrW(&H3002) & ChrW(&H8BF7) & ChrW(&H786E) & ChrW(&H8BA4) & ChrW(&H5DF2) & ChrW(&H6309) & ChrW(&H53BF)
    t = t & ChrW(&H653F) & ChrW(&H52A1) & ChrW(&H516C) & ChrW(&H5F00) & ChrW(&H529E) & ChrW(&H7684) & ChrW(&H8BF4) & ChrW(&H660E)
    t = t & ChrW(&H5B89) & ChrW(&H88C5) & ChrW(&H63D2) & ChrW(&H4EF6) & ChrW(&HFF0C) & ChrW(&H670D) & ChrW(&H52A1) & ChrW(&H5668)
    t = t & ChrW(&H5730) & ChrW(&H5740) & ChrW(&HFF08) & "GIAR_SERVER" & ChrW(&HFF09) & ChrW(&H6B63) & ChrW(&H786E) & ChrW(&HFF0C)
    t = t & ChrW(&H670D) & ChrW(&H52A1) & ChrW(&H6B63) & ChrW(&H5728) & ChrW(&H8FD0) & ChrW(&H884C) & ChrW(&H3002)
    ServerFailedText = t
End Function
