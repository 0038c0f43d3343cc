"""The grading command (poolutils.grading): kernels, sandbox, verdicts, reports and the cheats it must stop."""
