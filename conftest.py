"""Root conftest: applies to notebooks and doctests as well as tests/."""

# TensorFlow runs in its default configuration (oneDNN on) everywhere; its start-up
# lines are silenced where it is imported, in poolutils.keras_check.keras().


def pytest_collectstart(collector):
    # Warnings on stderr differ between machines; nbval compares only stdout and results.
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
