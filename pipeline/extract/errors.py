class ExtractError(Exception):
    """The input cannot be read; the message names the file and says what to do."""
