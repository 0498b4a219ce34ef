"""Running the batch: the Luigi tasks, the stage functions they call, and what a run needs around them."""
