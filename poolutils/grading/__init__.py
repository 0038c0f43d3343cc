"""Grading a class: learners' notebooks run in fresh kernels, verdicts computed in the grader's process.

``python -m poolutils.grade`` (see :mod:`poolutils.grading.cli`) is the
command. The parts, one job each:

- :mod:`~poolutils.grading.submissions`: which notebooks count, per learner;
- :mod:`~poolutils.grading.judging`: this run's cases, expected values, verdicts, copied-code flags;
- :mod:`~poolutils.grading.kernel`: one notebook in a fresh, limited kernel, then its answers' outputs;
- :mod:`~poolutils.grading.sandbox`: each kernel in its own namespaces, as an unprivileged user, with limits;
- :mod:`~poolutils.grading.package`: the poolutils copy kernels import (no reference solutions);
- :mod:`~poolutils.grading.source`: whose code an answer is, read from the notebook's text;
- :mod:`~poolutils.grading.harness`: the part that runs inside the learner's kernel, through the checks'
  answer runner (:mod:`poolutils.checks.runner`), which also carries values back as JSON, never pickle;
- :mod:`~poolutils.grading.integrity`: fingerprints of the files the grader relies on;
- :mod:`~poolutils.grading.report`: the table, CSV, feedback files and class summary;
- :mod:`~poolutils.grading.classroom`: the GitHub Classroom workflow.
"""
