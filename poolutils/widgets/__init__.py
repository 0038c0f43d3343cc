"""Interactive widgets of the course, one module per widget family.

- :mod:`poolutils.widgets._ui`: the framework, :func:`build_widget` and :class:`PoolWidget`.
- :mod:`poolutils.widgets.shapes`: ``output_size_calculator`` and ``stack_calculator``.
- :mod:`poolutils.widgets.stepper`: ``pooling_stepper``, a window-by-window walk through pooling.

Import the module you need; this package imports nothing heavy.
"""
