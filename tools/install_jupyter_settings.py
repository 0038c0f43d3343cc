"""Install the course's Jupyter settings into the running Python environment.

Usage: python tools/install_jupyter_settings.py [--landing]

- ``jupyter/overrides.json`` -> JupyterLab's app-settings directory: no news
  prompt, no update check (the browser tests check it took effect).
- ``jupyter/ipython_kernel_config.json`` -> ``<prefix>/etc/ipython``, where every
  IPython kernel of this environment reads it: inline figures in 'retina'
  format, twice the pixels at the same size on screen, so they stay sharp on
  HiDPI displays.
- with ``--landing``, ``jupyter/jupyter_lab_config.json`` -> ``<prefix>/etc/jupyter``
  (JupyterLab reads its own settings from that name): the server opens on the
  landing notebook. Binder
  needs it (postBuild); ``make lab`` says so on its command line instead.

``make setup`` and Binder's ``postBuild`` both run this script, so a learner's
laptop and Binder get the same settings.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from jupyterlab.commands import get_app_dir

SETTINGS = Path(__file__).resolve().parents[1] / "jupyter"


def targets(landing: bool) -> dict[Path, Path]:
    """Source file -> where this environment's Jupyter reads it."""
    prefix = Path(sys.prefix)
    files = {
        SETTINGS / "overrides.json": Path(get_app_dir()) / "settings" / "overrides.json",
        SETTINGS / "ipython_kernel_config.json": prefix / "etc" / "ipython" / "ipython_kernel_config.json",
    }
    if landing:
        files[SETTINGS / "jupyter_lab_config.json"] = prefix / "etc" / "jupyter" / "jupyter_lab_config.json"
    return files


def main(args: list[str]) -> int:
    if set(args) - {"--landing"}:
        print(__doc__)
        return 2
    for source, target in targets("--landing" in args).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
