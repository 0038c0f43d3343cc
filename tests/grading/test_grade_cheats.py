"""Every cheat of issues 12 and 19, graded as one class: none gets credit, none harms anyone else.

One grader run (a subprocess, two notebooks at a time, the sandbox on as
by default here) grades a class whose learners each try one attack on
notebook 01, next to an honest learner (the solution notebook: full credit)
and a learner who handed in the stubs. Each test then reads its learner's
rows, or checks that nothing outside the attacker's own grade changed: no
process a kernel started is alive, the CSV, the course, other submissions,
HOME and the package's bytecode are as before. Small notebooks written here
keep the run short; only the two controls are real notebooks.

Issue 19's first table, row by row: ``daemon``, ``connection_files``,
``startup_and_keras_config`` + ``pycache_poison``, ``writes_elsewhere``,
``many_sessions``, ``memory_children``, ``stdout_flood``, ``deep_source`` +
the non-UTF-8 name, ``stale_outputs_endless_loop`` (the SystemError race:
the grader parses nothing while kernels run), ``escape_codes``,
``feedback_leak``. Its second table: ``calls_poolutils`` and
``calls_keras``, ``blank_binds_reference``, ``reads_solutions``,
``grading_only``, ``harness_patched``, ``design_summary_dict`` (notebook
04), ``symlinked_to_solutions``.
"""

import compileall
import csv
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from poolutils.checks import checks_for_notebook
from poolutils.grading.sandbox import uid_block
from tests.grading.grade_env import grade, snapshot

ROOT = Path(__file__).resolve().parents[2]
CHECKS = checks_for_notebook(1)
PASS_LINES = [f"✅ Exercise {c.exercise} ({c.title}): correct on all 9 cases, same as Keras." for c in CHECKS]
IMPORTS = f"from poolutils.checks.ex01 import {', '.join(c.name for c in CHECKS)}"
CALLS = "\n".join(f"{c.name}({c.answer_name})" for c in CHECKS)


def stubs() -> str:
    return "\n".join(
        f"def {c.answer_name}(*args, **kwargs):\n    raise NotImplementedError\n"
        if c.takes_function
        else f"{c.answer_name} = ..."
        for c in CHECKS
    )


def stored_pass(source: str) -> nbformat.NotebookNode:
    # A check cell whose stored output is an old pass line, as if run once with a real answer.
    text = "\n".join(PASS_LINES) + "\n"
    return new_code_cell(source, outputs=[new_output("stream", name="stdout", text=text)], execution_count=3)


def write(path: Path, *cells) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cells = [c if isinstance(c, nbformat.NotebookNode) else new_code_cell(c) for c in cells]
    nb = new_notebook(cells=cells)
    nb.metadata.kernelspec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, path)


CHEATS = {
    "fake_print": [stubs(), "\n".join(f"print({line!r})" for line in PASS_LINES)],
    "lambda_checker": [
        stubs(),
        "\n".join(f"{c.name} = lambda f, line={line!r}: print(line)" for c, line in zip(CHECKS, PASS_LINES)),
        CALLS,
    ],
    "evaluate_patched": [
        stubs(),
        IMPORTS,
        "from poolutils.checks.core import Check, Report, Status\n"
        "def passed(self, *args):\n"
        "    return Report(self.exercise, self.title, Status.PASSED, 'correct on all 9 cases, same as Keras.')\n"
        "Check.evaluate = Check.judge = passed\n"
        "Check.__call__ = lambda self, answer: print(passed(self))",
        CALLS,
    ],
    "empty_cases": [
        stubs(),
        IMPORTS,
        "\n".join(
            f"{c.name}.cases = {c.name}.case_list = lambda *a: []\n{c.name}._cases = []\n{c.name}._fixed = ()"
            for c in CHECKS
        ),
        CALLS,
    ],
    "stale_outputs_endless_loop": [
        stubs(),
        stored_pass(IMPORTS),
        "while True:\n    pass",
        stored_pass(CALLS),
    ],
    "stale_outputs_uninterruptible_loop": [
        stubs(),
        stored_pass(IMPORTS),
        "import time\nwhile True:\n    try:\n        time.sleep(0.2)\n    except KeyboardInterrupt:\n        pass",
        stored_pass(CALLS),
    ],
    "stale_outputs_os_exit": [stubs(), stored_pass(IMPORTS), "import os\nos._exit(0)", stored_pass(CALLS)],
    # --- issue 19, first table -----------------------------------------------------------
    "daemon": [
        stubs(),
        "import os, subprocess, sys\n"
        "code = 'import time\\nwhile True:\\n    time.sleep(0.5)  # cheat-daemon-marker'\n"
        "subprocess.Popen([sys.executable, '-c', code], start_new_session=True,\n"
        "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "if os.fork() == 0:\n    os.setsid()\n    os.execv(sys.executable, [sys.executable, '-c', code])",
    ],
    "connection_files": [
        stubs(),
        "import glob, os\n"
        "found = [p for pattern in ('/root/.local/share/jupyter/runtime/*.json', '/tmp/*/kernel/*.json',\n"
        "         '/tmp/*/*.json', os.path.expanduser('~/.local/share/jupyter/runtime/*.json'))\n"
        "         for p in glob.glob(pattern)]\n"
        "from jupyter_client import BlockingKernelClient\n"
        "for path in found:\n"
        "    try:\n"
        "        kc = BlockingKernelClient(connection_file=path); kc.load_connection_file(); kc.start_channels()\n"
        "        kc.execute('output_size_valid = lambda *a: 0\\ndef output_size(*a):\\n    raise NotImplementedError')\n"
        "    except Exception:\n        pass",
    ],
    "startup_and_keras_config": [
        stubs(),
        "import os, pathlib\n"
        "for home in (os.path.expanduser('~'), '/root', os.environ.get('HOME', '')):\n"
        "    try:\n"
        "        d = pathlib.Path(home) / '.ipython/profile_default/startup'; d.mkdir(parents=True, exist_ok=True)\n"
        "        (d / '00-cheat.py').write_text('output_size_valid = lambda *a: 1\\n')\n"
        "        k = pathlib.Path(home) / '.keras'; k.mkdir(exist_ok=True)\n"
        "        (k / 'keras.json').write_text('{\"floatx\": \"float16\"}')\n"
        "    except OSError:\n        pass",
    ],
    "pycache_poison": [
        stubs(),
        "import pathlib, poolutils\n"
        "targets = [pathlib.Path(poolutils.__file__).parent, pathlib.Path(COURSE) / 'poolutils']\n"
        "for root in targets:\n"
        "    for name in ('grading/__pycache__/judging.cpython-311.pyc', 'checks/__pycache__/core.cpython-311.pyc'):\n"
        "        try:\n"
        "            (root / name).parent.mkdir(parents=True, exist_ok=True); (root / name).write_bytes(b'poison')\n"
        "        except OSError:\n            pass",
    ],
    "writes_elsewhere": [
        stubs(),
        "import pathlib\n"
        "for path in (pathlib.Path(CLASS) / 'honest' / '01_output_size.ipynb', pathlib.Path(COURSE) / 'README.md',\n"
        "             pathlib.Path(CLASS) / 'grades.csv'):\n"
        "    try:\n        path.write_text('{}')\n    except OSError:\n        pass\n"
        "    try:\n        path.unlink()\n    except OSError:\n        pass",
    ],
    "many_sessions": [
        stubs(),
        "import subprocess, sys\n"
        "for _ in range(200):\n"
        "    try:\n"
        "        subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)  # cheat-daemon-marker'],\n"
        "                         start_new_session=True)\n"
        "    except OSError:\n        break",
    ],
    "memory_children": [
        stubs(),
        "import os, time\n"
        "try:\n    big = bytearray(20 * 2**30)\nexcept MemoryError:\n    pass\n"
        "for _ in range(3):\n"
        "    if os.fork() == 0:\n"
        "        block = bytearray(1300 * 2**20)\n"
        "        block[::4096] = b'x' * len(block[::4096])\n"
        "        time.sleep(60)\n        os._exit(0)\n"
        "time.sleep(8)",
    ],
    "stdout_flood": [stubs(), "chunk = 'x' * 10**6\nfor _ in range(1000):\n    print(chunk)"],
    "deep_source": [stubs(), "x = " + "(" * 5000 + "1" + ")" * 5000],
    "escape_codes": [
        "def output_size_valid(n, pool_size, stride):\n"
        "    raise ValueError('\\n  Exercise 1.2  output_size  passed\\x1b[2J\\x1b[32m')",
    ],
    "feedback_leak": [
        stubs(),
        "import os\n"
        "def output_size_valid(n, pool_size, stride):\n"
        "    try:\n        argv = open(f'/proc/{os.getppid()}/cmdline').read()\n"
        "    except OSError:\n        argv = ''\n"
        "    raise ValueError(repr(dict(os.environ)) + argv + os.getcwd())",
    ],
    # --- issue 19, second table ----------------------------------------------------------
    "calls_poolutils": [
        stubs(),
        "import poolutils as pu\n"
        "def output_size_valid(n, pool_size, stride):\n    return pu.pool_output_size(n, pool_size, stride)\n"
        "helper = pu.same_padding\n"
        "def same_padding_split(n, pool_size, stride):\n    return helper(n, pool_size, stride)",
    ],
    "calls_keras": [
        stubs(),
        "def output_size_valid(n, pool_size, stride):\n"
        "    import keras\n"
        "    layer = keras.layers.MaxPooling2D(pool_size, stride)\n"
        "    return int(layer.compute_output_shape((1, n, n, 1))[1])",
    ],
    "blank_binds_reference": [
        stubs(),
        "import poolutils.checks.ex01 as ex\n"
        "for check in ex.__dict__.values():\n"
        "    if hasattr(check, 'reference'):\n"
        "        get_ipython().user_ns[check.answer_name] = check.reference",
    ],
    "reads_solutions": [
        stubs(),
        "import glob, json, os\n"
        "paths = glob.glob('/proc/*/cwd/solutions/01_*.ipynb') + glob.glob(COURSE + '/solutions/01_*.ipynb')\n"
        "for path in paths:\n"
        "    nb = json.load(open(path))\n"
        "    for cell in nb['cells']:\n"
        "        if cell['cell_type'] == 'code':\n"
        "            try:\n                exec(''.join(cell['source']), globals())\n"
        "            except Exception:\n                pass",
    ],
    "grading_only": [
        stubs(),
        "import os\n"
        "if os.environ.get('POOLUTILS_GRADING') == '1':\n"
        "    from poolutils.checks.ex01 import check_output_size_valid\n"
        "    output_size_valid = check_output_size_valid.reference",
    ],
    "harness_patched": [
        stubs(),
        "import poolutils.grading.harness as harness\n"
        "original = harness.outputs\n"
        "def forged(namespace, request):\n"
        "    result = original(namespace, request)\n"
        "    result['outcomes'] = [{'status': 'returned', 'value': 1} for _ in request['cases']]\n"
        "    return result\n"
        "harness.outputs = forged",
    ],
    "edits_its_poolutils": [
        # Rewrites the framework on disk so that every later judge() passes: it only ever edits the
        # private copy its own kernel imports, and the grader judges with the code it loaded first.
        stubs(),
        "import pathlib\nimport poolutils.checks.core as core\n"
        "path = pathlib.Path(core.__file__)\n"
        "path.write_text(path.read_text() + '\\nCheck.judge = lambda self, c, o: Report('\n"
        "    'self.exercise, self.title, Status.PASSED, \"correct\")\\n')",
    ],
}


def digest(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (bytecode too), by relative path."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def stray_processes(grader_pid: int) -> list[int]:
    """Daemons a cheat left, and processes still running under the grader's kernel user ids.

    Only this grader's block of user ids: graders of tests running beside this one
    (pytest-xdist) have kernels of their own.
    """
    uids = uid_block(grader_pid)
    marked = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and b"cheat-daemon-marker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                marked.append(int(pid))
        except OSError:
            continue
    kernels = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and os.stat(f"/proc/{pid}").st_uid in uids:
                kernels.append(int(pid))
        except OSError:
            continue
    return marked + kernels


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    constants = f"COURSE = {str(ROOT)!r}\nCLASS = {str(root)!r}"
    for learner, cells in CHEATS.items():
        write(root / learner / "01_output_size.ipynb", constants, *cells)
    # Issue 19: a name that is not UTF-8, a learner folder that is a link to the solutions,
    # a design answer that returns the summary the checker would compute.
    bad = os.fsdecode(b"01_output_size_\xff.ipynb")
    (root / "bad_name").mkdir()
    shutil.copy(ROOT / "exercises" / "01_output_size.ipynb", root / "bad_name" / bad)
    (root / "symlinked_to_solutions").symlink_to(ROOT / "solutions")
    summary = (
        "{'type': 'Model', 'layers': ('GlobalAveragePooling2D', 'Dense'), 'input': (None, None, None, channels), "
        "'params': channels * classes + classes, 'outputs': ((2, classes),) * 4}"
    )
    write(
        root / "design_summary_dict" / "04_global_pooling.ipynb",
        f"def gap_head(channels, classes):\n    return {summary}",
    )
    # Graded after the editor in alphabetical order, with one job: it would inherit an edit.
    write(root / "zz_stubs_after_the_edit" / "01_output_size.ipynb", stubs(), IMPORTS, CALLS)
    write(root / "notes_only" / "notes.ipynb", "\n".join(f"print({line!r})" for line in PASS_LINES * 5))
    (root / "twice").mkdir()
    shutil.copy(ROOT / "solutions" / "01_output_size.ipynb", root / "twice" / "01_output_size.ipynb")
    shutil.copy(ROOT / "solutions" / "01_output_size.ipynb", root / "twice" / "01_output_size (copy).ipynb")
    for folder, learner in (("solutions", "honest"), ("exercises", "unsolved")):
        (root / learner).mkdir()
        shutil.copy(ROOT / folder / "01_output_size.ipynb", root / learner)
    lib = snapshot(tmp_path_factory.mktemp("lib"))
    compileall.compile_dir(lib, quiet=2)  # the grader's own imports then write no bytecode
    home = tmp_path_factory.mktemp("home")
    (home / ".keras").mkdir()
    (home / ".keras" / "keras.json").write_text('{"floatx": "float32"}')
    before = {"class": digest(root), "lib": digest(lib), "home": digest(home), "course": course_digest()}
    out = tmp_path_factory.mktemp("out")
    # 10 s per cell: the endless loops end soon, and the honest notebook's cells fit even on a busy machine.
    run = grade(
        lib,
        str(root),
        *("--jobs", "2", "--timeout", "10"),
        *("--csv", str(out / "grades.csv"), "--feedback", str(out / "feedback")),
        cwd=root,
        # The grader's own Matplotlib cache goes elsewhere: HOME must stay exactly as it was.
        env={"HOME": str(home), "GRADER_SECRET": "hunter2-secret", "MPLCONFIGDIR": str(out / "mpl")},
    )
    time.sleep(2)  # a daemon that waited for the grader to exit would act now
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    after = {"class": digest(root), "lib": digest(lib), "home": digest(home), "course": course_digest()}
    return run, rows, before, after, out, stray_processes(run.pid)


def course_digest() -> dict[str, str]:
    found = {}
    for part in ("poolutils", "solutions", "exercises", "README.md", "INSTRUCTORS.md"):
        path = ROOT / part
        found.update(digest(path) if path.is_dir() else {part: hashlib.sha256(path.read_bytes()).hexdigest()})
    return {k: v for k, v in found.items() if "__pycache__" not in k}


def verdicts(graded, learner: str) -> list[str]:
    return [row["verdict"] for row in graded[1] if row["learner"] == learner]


def block(graded, learner: str) -> str:
    return graded[0].stdout.split(f"== {learner} ==")[1].split("\n== ")[0]


def test_the_controls_an_honest_learner_gets_full_credit_and_stubs_none(graded):
    assert verdicts(graded, "honest") == ["passed"] * len(CHECKS)
    assert verdicts(graded, "unsolved") == ["not attempted"] * len(CHECKS)
    assert graded[0].returncode == 1
    assert "grading seed" in graded[0].stdout


@pytest.mark.parametrize("cheat", ["fake_print", "lambda_checker", "evaluate_patched", "empty_cases"])
def test_cheats_inside_the_kernel_get_no_credit(graded, cheat):
    assert verdicts(graded, cheat) == ["not attempted"] * len(CHECKS), block(graded, cheat)


@pytest.mark.parametrize(
    ("cheat", "problem", "verdict"),
    [
        # Interrupted, the later cells run: the answers are still the stubs.
        ("stale_outputs_endless_loop", "cell 4 ran longer than 10 s; it was interrupted", "not attempted"),
        # A kernel that will not stop, or that ended itself, answers nothing: nothing was verified.
        ("stale_outputs_uninterruptible_loop", "the kernel did not stop after the interrupt", "not run"),
        ("stale_outputs_os_exit", "the kernel died", "not run"),
    ],
)
def test_stale_pass_outputs_then_a_loop_or_an_exit_get_no_credit(graded, cheat, problem, verdict):
    text = block(graded, cheat)
    assert problem in text
    assert verdicts(graded, cheat) == [verdict] * len(CHECKS), text


def test_an_unnumbered_notebook_printing_pass_lines_is_ignored(graded):
    text = block(graded, "notes_only")
    assert "ignored: notes.ipynb: not an exercise notebook" in text
    assert "notes_only: 0/0 exercises passed" in text
    assert verdicts(graded, "notes_only") == []


def test_the_same_notebook_twice_counts_once(graded):
    text = block(graded, "twice")
    assert verdicts(graded, "twice") == ["passed"] * len(CHECKS)
    assert "ignored: 01_output_size (copy).ipynb: duplicate: 01_output_size.ipynb counts" in text
    assert f"twice: {len(CHECKS)}/{len(CHECKS)} exercises passed" in text


def test_an_edit_of_its_own_poolutils_fails_and_reaches_no_one(graded):
    text = block(graded, "edits_its_poolutils")
    # The kernel's copy is read-only and has no checks.core: the edit raises in the learner's cell.
    assert "cell 3 raised" in text, text
    assert verdicts(graded, "edits_its_poolutils") == ["not attempted"] * len(CHECKS)
    assert verdicts(graded, "zz_stubs_after_the_edit") == ["not attempted"] * len(CHECKS)


def test_an_edit_of_the_shared_package_stops_grading_and_names_the_submission(tmp_path):
    # On a copy of the package (PYTHONPATH), never the working tree.
    lib = snapshot(tmp_path / "lib")
    target = lib / "poolutils" / "checks" / "core.py"
    write(
        tmp_path / "class" / "a_editor" / "01_output_size.ipynb",
        stubs(),
        f"import pathlib\npath = pathlib.Path({str(target)!r})\npath.write_text(path.read_text() + '\\n# edited\\n')",
    )
    write(tmp_path / "class" / "b_stubs" / "01_output_size.ipynb", stubs())
    # Unsandboxed: a sandboxed kernel cannot see the package at all.
    run = grade(lib, str(tmp_path / "class"), "--jobs", "1", "--sandbox", "off", cwd=tmp_path)
    assert run.returncode == 3, run.stdout + run.stderr
    assert "STOPPED: poolutils changed while grading: changed checks/core.py" in run.stdout
    assert "changed by a_editor/01_output_size.ipynb." in run.stdout
    assert "ignored: 01_output_size.ipynb: not graded: grading stopped first" in block((run, []), "b_stubs")


# --- issue 19 -------------------------------------------------------------------------------

ATTACKS_19 = [
    "daemon",
    "connection_files",
    "startup_and_keras_config",
    "pycache_poison",
    "writes_elsewhere",
    "many_sessions",
    "memory_children",
    "stdout_flood",
    "deep_source",
    "feedback_leak",
    "calls_poolutils",
    "calls_keras",
    "blank_binds_reference",
    "reads_solutions",
    "grading_only",
    "harness_patched",
]


def test_the_class_was_graded_in_the_sandbox(graded):
    assert "sandbox on:" in graded[0].stdout, graded[0].stdout[:500]


@pytest.mark.parametrize("attack", ATTACKS_19)
def test_no_attack_of_issue_19_gets_credit(graded, attack):
    got = verdicts(graded, attack)
    assert len(got) == len(CHECKS) and "passed" not in got, block(graded, attack)


def test_answers_that_call_the_libraries_are_refused_with_the_reason(graded):
    rows = {r["exercise"]: r for r in graded[1] if r["learner"] == "calls_poolutils"}
    assert rows["1.1"]["verdict"] == "failed"
    assert "not credited: it calls poolutils.pool_output_size" in rows["1.1"]["diagnosis"]
    assert "poolutils.same_padding" in rows["1.3"]["diagnosis"]
    # calls_keras: importing Keras inside the call outlasts the 5 s limit on a busy machine, so its
    # sentence is checked in test_grade_parts.py; here it only must not pass.


def test_after_grading_no_process_a_kernel_started_is_alive(graded):
    assert graded[5] == []


def test_nothing_outside_the_attackers_grades_changed(graded):
    _, _, before, after, _, _ = graded
    assert after["class"] == before["class"]
    assert after["lib"] == before["lib"]
    assert after["home"] == before["home"]
    assert after["course"] == before["course"]


def test_the_honest_learner_beside_the_attackers_gets_full_marks(graded):
    assert verdicts(graded, "honest") == ["passed"] * len(CHECKS)
    assert verdicts(graded, "zz_stubs_after_the_edit") == ["not attempted"] * len(CHECKS)


def test_the_memory_limit_holds_for_the_whole_process_tree(tmp_path):
    # Four children of 500 MB each: every process stays under the 1536 MB limit, the tree does not.
    lib = snapshot(tmp_path / "lib")
    write(
        tmp_path / "class" / "hog" / "01_output_size.ipynb",
        stubs(),
        "import os, time\n"
        "for _ in range(4):\n"
        "    if os.fork() == 0:\n"
        "        block = bytearray(b'x' * (500 * 2**20))\n"
        "        time.sleep(60)\n"
        "        os._exit(0)\n"
        "time.sleep(30)",
    )
    run = grade(lib, str(tmp_path / "class"), "--memory", "1536", "--timeout", "45", cwd=tmp_path)
    text = block((run, []), "hog")
    assert "the kernel died (its processes together used more than the memory limit)" in text, text
    assert "hog: 0/7 exercises passed" in text
    assert stray_processes(run.pid) == []


def test_a_name_that_is_not_utf8_and_a_deep_source_are_graded_like_the_others(graded):
    got = [r for r in graded[1] if r["learner"] == "bad_name"]
    assert [r["verdict"] for r in got] == ["not attempted"] * len(CHECKS)
    assert got[0]["notebook"] == "01_output_size_\\xff.ipynb"
    assert verdicts(graded, "deep_source") == ["not attempted"] * len(CHECKS)


def test_escape_codes_and_newlines_forge_no_row(graded):
    text = block(graded, "escape_codes")
    assert "\x1b" not in graded[0].stdout
    assert text.count("Exercise 1.2") == 1
    assert "\x1b" not in (graded[4] / "grades.csv").read_text(encoding="utf-8")


def test_feedback_holds_no_secret_argv_path_or_class_list(graded):
    out = graded[4]
    leak = next(p for p in (out / "feedback").iterdir() if p.name.startswith("feedback_leak"))
    text = leak.read_text(encoding="utf-8")
    assert "hunter2-secret" not in text
    assert "honest" not in text and "calls_keras" not in text
    # Neither the grader's working folder and argv (the class folder) nor its output folder.
    assert str(out.parent) not in text and "/class" not in text


def test_a_learner_folder_linked_to_the_solutions_is_refused(graded):
    text = block(graded, "symlinked_to_solutions")
    assert "refused: a symbolic link" in text
    assert "passed" not in verdicts(graded, "symlinked_to_solutions")


def test_a_design_answer_that_returns_the_summary_is_not_a_model(graded):
    got = verdicts(graded, "design_summary_dict")
    assert got and "passed" not in got, block(graded, "design_summary_dict")


def test_a_stdout_flood_does_not_grow_the_grader(tmp_path):
    # 10^9 characters printed: before the cap the grader grew by 2.9 GB; a quiet run peaks near 600 MB.
    lib = snapshot(tmp_path / "lib")
    write(tmp_path / "class" / "flood" / "01_output_size.ipynb", *CHEATS["stdout_flood"])
    command = [sys.executable, "-m", "poolutils.grade", "class", "--jobs", "1", "--timeout", "60"]
    env = {**os.environ, "PYTHONPATH": str(lib)}
    grader = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    peak_mb = 0
    while grader.poll() is None:
        try:
            status = Path(f"/proc/{grader.pid}/status").read_text()
            peak_mb = max(peak_mb, int(status.split("VmHWM:")[1].split()[0]) // 1024)
        except (OSError, IndexError):
            pass
        time.sleep(0.2)
    assert "flood: 0/7 exercises passed" in grader.stdout.read()
    assert 0 < peak_mb < 1500, peak_mb
