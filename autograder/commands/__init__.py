"""One module per bnkit subcommand."""
