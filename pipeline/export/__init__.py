"""The published files: canonical JSON and Markdown, and Akoma Ntoso."""
