"""Interactive widgets of the course, one module per widget family.

The widgets only draw and wire controls: every number and every readout
sentence they show comes from :mod:`poolutils.explain`, which notebooks and
checkers import directly.

- :mod:`poolutils.widgets._ui`: the framework, :func:`build_widget` and :class:`PoolWidget`.
- :mod:`poolutils.widgets._picture`: the pictures, drawn with Pillow into HiDPI PNGs.
- :mod:`poolutils.widgets.shapes`: ``output_size_calculator`` and ``stack_calculator``.
- :mod:`poolutils.widgets.stepper`: ``pooling_stepper``, a window-by-window walk through pooling.
- :mod:`poolutils.widgets.adaptive`: ``adaptive_pooling_explorer``, the windows of adaptive pooling.
- :mod:`poolutils.widgets.images`: ``image_pooling_explorer``, pooling a photograph.
- :mod:`poolutils.widgets.gradients`: the routing of gradients back through pooling.

Import the module you need; this package imports nothing heavy.
"""
