"""click's messages in Chinese: the catalogue ``click_zh`` answers from.

Keys are click's own message ids (as in its source, ``_("…")`` and ``ngettext("…", "…", n)``);
placeholders keep click's names, and "!r" is dropped in favour of Chinese quotes.
tests/test_cli_chinese.py compares the catalogue with the installed click.
"""

from __future__ import annotations

# click's message → Chinese. Placeholders keep click's names; "!r" is dropped for Chinese quotes.
MESSAGES: dict[str, str] = {
    # help pages
    "Usage:": "用法：",
    "Options": "选项",
    "Positional arguments": "参数",  # click 8.5: when an argument has help text
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已停用",
    "Confirm the action without prompting.": "不再询问，直接执行。",
    "Do you want to continue?": "是否继续？",
    # usage errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "查看帮助：{command} {option}",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有“{name}”这个选项。",
    "No such command {name!r}.": "没有“{name}”这个命令。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值不对：{message}",
    "Invalid value: {message}": "取值不对：{message}",
    "Option {name!r} does not take a value.": "选项“{name}”后面不需要值。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”需要 {nargs} 个值。",
    "Value must be an iterable.": "应给出多个值。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "unknown error": "未知错误",
    "Aborted!": "已中止。",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "提示：命令“{name}”已停用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "提示：“{name}”已停用。{extra_message}",
    # values
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value} is not in the range {range}.": "{value} 不在允许的范围（{range}）内。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是有效的是/否值，可用：{states}。",
    "{value!r} is not a valid UUID.": "“{value}”不是有效的 UUID。",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是一个文件，这里需要文件夹。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是一个文件夹，这里需要文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取（没有读取权限）。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入（没有写入权限）。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不能执行。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    # prompts, progress bars, editors, shell completion
    "Repeat for confirmation": "请再输入一次确认",
    "Error: The two entered values do not match.": "错误：两次输入的不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    "d": "天",
    "{editor}: Editing failed": "{editor}：编辑失败",
    "{editor}: Editing failed: {e}": "{editor}：编辑失败：{e}",
    "Windows error: {error}": "Windows 错误：{error}",
    "Shell completion is not supported for Bash versions older than 4.4.": "Bash 4.4 以前的版本不支持命令补全。",
    "Couldn't detect Bash version, shell completion is not supported.": "无法识别 Bash 版本，不支持命令补全。",
}

# (singular, plural) → (Chinese for one, Chinese for several)
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("多余的参数“{args}”。", "多余的参数“{args}”。"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("您是不是要用 {possibility}？", "（您是不是要用其中之一：{possibilities}？）"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("选项“{name}”后面缺少值。", "选项“{name}”后面需要 {nargs} 个值。"),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("需要 {nargs} 个值，只给了 1 个。", "需要 {nargs} 个值，给了 {len} 个。"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("“{value}”不可用，只能是 {choice}。", "“{value}”不可用，可选：{choices}。"),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("“{value}”不符合格式 {format}。", "“{value}”不符合以下任何一种格式：{formats}。"),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("需要 {len_type} 个值，给了 {len_value} 个。", "需要 {len_type} 个值，给了 {len_value} 个。"),
}

# click's messages a user never sees: errors in a program's own option declarations
DEVELOPER_MESSAGES = {
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument"
    " instead? Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Invalid start character for option ({option})",
    "Unknown color {colour!r}",
    "Unknown standard stream '{name}'",
    "Choice({choices})",
}
