"""The .xlsm's 校验 button can be pointed at a giar-xl serve (GIAR_SERVER in xlwings.conf).

Excel is not available here: these tests read the VBA compiled into the committed
template and the add-in the route relies on (xlwings.xlam from the pinned xlwings wheel).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from giar_xl.serve import BUTTON_PATH

from test_xlsm import XLSM, vba_modules

xlwings = pytest.importorskip("xlwings")
ADDIN = Path(xlwings.__file__).parent / "addin" / "xlwings.xlam"


@pytest.fixture(scope="module")
def button_code() -> str:
    return vba_modules(XLSM)["GiarButton.bas"]


def test_configured_server_takes_the_remote_route(button_code):
    assert 'url = GetConfig("GIAR_SERVER")' in button_code
    # no server configured: the local Python, exactly as before
    local = button_code.index('RunPython "import giar_xl.button; giar_xl.button.run()"')
    remote = button_code.index(f'Application.Run "xlwings.xlam!RunRemotePython", url & "{BUTTON_PATH}"')
    assert button_code.index('If url = "" Then') < local < remote
    assert "On Error GoTo Failed" in button_code[:remote]
    assert all(ord(ch) < 128 for ch in button_code)


def test_failure_message_is_chinese_from_chrw_codes(button_code):
    body = button_code[button_code.index("Private Function ServerFailedText"):]
    text = ""
    for chrw, literal in re.findall(r'ChrW\(&H([0-9A-F]{4})\)|"([^"]*)"', body):
        text += chr(int(chrw, 16)) if chrw else literal
    assert text == ("无法通过 xlwings 插件（xlwings.xlam）连接校验服务器。请确认已按县政务公开办的说明安装插件，"
                    "服务器地址（GIAR_SERVER）正确，服务正在运行。")


def test_the_addin_defines_the_function_for_this_xlwings_version():
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(ADDIN))
    try:
        code = "\n".join(source for *_, source in parser.extract_macros())
    finally:
        parser.close()
    assert re.search(r"^Function RunRemotePython\(\s*_?\s*url As String", code, re.M)
    # the server refuses a client of another xlwings version: the add-in must match the pin
    version = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', code).group(1)
    assert version == xlwings.__version__
