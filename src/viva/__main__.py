"""`python -m viva` runs the CLI."""

from viva.cli import main

main()
