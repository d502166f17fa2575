"""`python -m refuge` runs the `refuge` command."""

from refuge.cli import main

main()
