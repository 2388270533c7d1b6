"""Click commands, one module each (see giar_xl.cli.COMMANDS)."""
