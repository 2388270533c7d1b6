"""``python -m giar_xl``: the command line where the ``giar-xl`` script is not on PATH
(a per-user install on Windows puts it in a folder PATH does not list)."""

from .cli import main

if __name__ == "__main__":
    main()
