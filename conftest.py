"""Root conftest: applies to notebooks and doctests as well as tests/."""

import os

# Set before TensorFlow is imported anywhere, in this process and in the
# notebook kernels nbval starts (they inherit the environment).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def pytest_collectstart(collector):
    # Warnings on stderr differ between machines; nbval compares only stdout and results.
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
