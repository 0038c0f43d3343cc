"""check_against_keras passes on agreement and fails loudly on disagreement."""

import numpy as np
import pytest

from poolutils import keras_check, modes

FMAP = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]]).reshape(1, 4, 4, 1)


def test_prints_the_agreement(keras, capsys):
    out = keras_check.check_against_keras("avg", FMAP, pool_size=2)
    assert out.reshape(2, 2).tolist() == [[3.75, 4.75], [3.5, 5.75]]
    assert "avg_pool matches keras.layers.AveragePooling2D: shape (1, 2, 2, 1)" in capsys.readouterr().out


def test_detects_a_wrong_implementation(keras, monkeypatch):
    avg = modes.KINDS["avg"]
    monkeypatch.setitem(modes.KINDS, "max", modes.Kind(lambda x, **kw: avg.ours(x, **kw), "MaxPooling{}D"))
    with pytest.raises(AssertionError, match="MaxPooling2D"):
        keras_check.check_against_keras("max", FMAP.astype(np.float32), pool_size=2, quiet=True)


def test_unknown_kind_is_named():
    with pytest.raises(ValueError, match="kind='median'"):
        keras_check.check_against_keras("median", FMAP)


def _fresh_python(code, tmp_path, **env_changes):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )


def test_keras_starts_silently_in_tensorflow_s_default_configuration(tmp_path):
    """No start-up line on stderr, oneDNN left on (3-D windows clamp), and stderr works afterwards."""
    code = (
        "import os, numpy as np\n"
        "from poolutils.keras_check import keras, keras_pool\n"
        "keras()\n"
        "x = np.arange(1.0, 4.0, dtype='float32').reshape(1, 1, 1, 3, 1)\n"
        "print(keras_pool('max', x, pool_size=1, strides=3, padding='same').item())\n"
        "print(os.environ.get('TF_ENABLE_ONEDNN_OPTS'))\n"
        "os.write(2, b'stderr still works')\n"
    )
    proc = _fresh_python(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["1.0", "None"]  # cell 0: oneDNN's kernel (Eigen's would read cell 1)
    assert proc.stderr == "stderr still works"


def test_the_onednn_line_exists_and_shows_when_logs_are_asked_for(tmp_path):
    """The line the default hides is real: with TF_CPP_MIN_LOG_LEVEL=0, keras() lets it through."""
    proc = _fresh_python(
        "from poolutils.keras_check import keras\nkeras()\n", tmp_path, TF_CPP_MIN_LOG_LEVEL="0"
    )
    assert proc.returncode == 0, proc.stderr
    assert "oneDNN custom operations are on" in proc.stderr


def test_stderr_is_restored_when_the_import_fails(tmp_path):
    (tmp_path / "keras.py").write_text(
        "import os\nos.write(2, b'hidden')\nraise ImportError('no keras here')\n"
    )
    code = (
        "import os\n"
        "from poolutils.keras_check import keras\n"
        "try:\n"
        "    keras()\n"
        "except ImportError as err:\n"
        "    os.write(2, str(err).encode())\n"
    )
    proc = _fresh_python(code, tmp_path, PYTHONPATH=str(tmp_path))
    assert proc.returncode == 0
    assert proc.stderr == "no keras here"
