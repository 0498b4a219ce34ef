"""``python -m pipeline.review COMMAND``: the review loop without the ``uncleaner`` command (see :mod:`.apply`)."""
import sys

from .apply import main

sys.exit(main())
