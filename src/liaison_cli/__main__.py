"""``python -m liaison_cli``: the ``liaison`` command."""

from liaison_cli.main import main

main()
