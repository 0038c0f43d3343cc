"""The concept quiz (poolutils.quiz) and its grading."""
