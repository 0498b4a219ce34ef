"""The review loop: the report of corrections to look at, and the decisions a reviewer takes on them."""
