"""`shotline SUBCOMMAND`: the command table (main.py) and one module per command."""
