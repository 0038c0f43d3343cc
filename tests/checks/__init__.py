"""The checks framework and each notebook's checkers (poolutils.checks), measured on learner-style answers."""
