"""The ``uncleaner`` command: its subcommands, what it prints, and the checks made before a run is scheduled."""
