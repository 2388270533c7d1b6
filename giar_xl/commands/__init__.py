"""Click commands, one module each (see giar_xl.cli.COMMANDS)."""

from __future__ import annotations


def put_text(text: str, output: str | None, force: bool, written: str | None = None) -> None:
    """A command's text result: into ``output`` (atomically; ``written`` is said on stderr with
    the path), or onto the screen."""
    import click

    from ..fileio import write_text
    from ..text import readable_path

    if output:
        write_text(output, text, force=force)
        if written:
            click.echo(f"{written}：{readable_path(output)}", err=True)
    else:
        click.echo(text, nl=False)
