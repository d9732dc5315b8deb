"""``coursekit classroom grade --deadline``: the commit that reached GitHub in time is graded.

Student repositories are local bare repositories; the student's commits carry chosen dates
(``GIT_COMMITTER_DATE``, which git also writes into the reflog of a clone or fetch), and a
local HTTP server on 127.0.0.1 stands in for GitHub's REST API, answering
``GET /repos/{owner}/{repo}/events`` with the push events the test declares.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from coursekit.submission_commit import choose_commit, parse_deadline

DEADLINE = datetime(2026, 6, 30, 21, 59, tzinfo=UTC)
TOKEN = "test-token-not-a-secret"
ASSIGNMENT = "02-augmentation"


def _at(moment: datetime) -> dict[str, str]:
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S+0000")
    return {"GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_DATE": stamp}


def git(*args, cwd, when: datetime | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    env.update(_at(when) if when else {})
    done = subprocess.run(
        ["git", "-c", "user.name=Student", "-c", "user.email=s@example.org",
         "-c", "init.defaultBranch=main", *args],
        cwd=cwd, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class GitHubStandIn:
    """A local server answering the events API with the pushes recorded by :meth:`push`."""

    def __init__(self):
        self.events: dict[str, list[dict]] = {}
        self.requests: list[tuple[str, str]] = []
        self.status = 200
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                url = urlparse(self.path)
                stand_in.requests.append((url.path, self.headers.get("Authorization", "")))
                if stand_in.status != 200:
                    self._send(stand_in.status, {"message": "Bad credentials"})
                    return
                slug = url.path.removeprefix("/repos/").removesuffix("/events")
                page = int(parse_qs(url.query).get("page", ["1"])[0])
                per_page = int(parse_qs(url.query).get("per_page", ["30"])[0])
                newest_first = sorted(stand_in.events.get(slug, []),
                                      key=lambda e: e["created_at"], reverse=True)  # fmt: skip
                self._send(200, newest_first[(page - 1) * per_page : page * per_page])

            def _send(self, status, data):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def push(self, slug: str, head: str, when: datetime, branch: str = "main") -> None:
        self.events.setdefault(slug, []).append({
            "id": str(len(self.requests) + sum(map(len, self.events.values()))),
            "type": "PushEvent",
            "created_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "payload": {"ref": f"refs/heads/{branch}", "head": head, "before": "0" * 40},
        })  # fmt: skip
        # Other events are in the feed too and must be ignored.
        self.events[slug].append({"id": "w", "type": "WatchEvent",
                                  "created_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                  "payload": {}})  # fmt: skip

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def github():
    stand_in = GitHubStandIn()
    yield stand_in
    stand_in.close()


def student_repository(top: Path, login: str, commits, github=None) -> Path:
    """A bare ``top/org/<assignment>-<login>.git`` holding ``commits`` pushed in order.

    ``commits``: ``(files, commit date, push time)``; files maps a path to its text.
    """
    remote = top / "org" / f"{ASSIGNMENT}-{login}.git"
    remote.parent.mkdir(parents=True, exist_ok=True)
    git("init", "--quiet", "--bare", "-b", "main", str(remote), cwd=top)
    work = top / "work" / login
    git("clone", "--quiet", str(remote), str(work), cwd=top)
    for files, dated, pushed in commits:
        for name, text in files.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(text)
        git("add", "-A", cwd=work)
        git("commit", "--quiet", "-m", f"work dated {dated:%Y-%m-%d}", cwd=work, when=dated)
        git("push", "--quiet", "origin", "main", cwd=work, when=pushed)
        if github is not None:
            github.push(f"org/{ASSIGNMENT}-{login}", git("rev-parse", "HEAD", cwd=work), pushed)
    return remote


def clone_at(remote: Path, target: Path, when: datetime) -> Path:
    git("clone", "--quiet", str(remote), str(target), cwd=remote.parent, when=when)
    return target


def sha_of(clone: Path, message_date: str) -> str:
    return git("log", "--format=%H", f"--grep=dated {message_date}", "origin/main", cwd=clone)


ON_TIME = DEADLINE - timedelta(hours=2)
LATE = DEADLINE + timedelta(hours=3)
BACKDATED = datetime(2020, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def late_backdated(tmp_path, github):
    """Template, on-time work, then after the deadline a commit dated 2020 (pushed late)."""
    remote = student_repository(tmp_path, "alice", [
        ({"notebook.txt": "template"}, ON_TIME - timedelta(days=9), ON_TIME - timedelta(days=9)),
        ({"notebook.txt": "on time"}, ON_TIME, ON_TIME + timedelta(minutes=1)),
        ({"notebook.txt": "late"}, BACKDATED, LATE),
    ], github)  # fmt: skip
    return remote


def test_push_events_pick_the_last_push_before_the_deadline_and_flag_the_backdated(
    tmp_path, github, late_backdated
):
    clone = clone_at(late_backdated, tmp_path / "graded" / "alice", LATE + timedelta(days=1))
    chosen = choose_commit(clone, DEADLINE, token=TOKEN, api=github.url)
    assert chosen.sha == sha_of(clone, ON_TIME.strftime("%Y-%m-%d"))
    assert chosen.source == "push event" and chosen.warning == ""
    assert chosen.time == (ON_TIME + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (flag,) = chosen.flags
    late_sha = sha_of(clone, "2020-01-15")
    assert flag.startswith(f"commit {late_sha[:7]} is dated 2020-01-15") and "backdated" in flag
    assert github.requests[0] == (f"/repos/org/{ASSIGNMENT}-alice/events", f"Bearer {TOKEN}")


def test_without_push_times_commit_dates_are_a_warned_last_resort(tmp_path, late_backdated):
    clone = clone_at(late_backdated, tmp_path / "graded" / "alice", LATE + timedelta(days=1))
    chosen = choose_commit(clone, DEADLINE)
    # The backdated late commit passes for on time: exactly why the warning is there.
    assert chosen.sha == sha_of(clone, "2020-01-15") and chosen.source == "commit date"
    assert "clone was taken after the deadline" in chosen.warning
    assert "set by the student's computer" in chosen.warning
    assert any("backdated" in flag for flag in chosen.flags)


def test_a_clone_taken_at_the_deadline_holds_what_was_pushed(tmp_path, late_backdated):
    remote = late_backdated
    # Cloned at the deadline -- but the late push happened already in this test, so clone
    # a copy of the remote as it was: the late commit is rewound away first.
    at_deadline = tmp_path / "at-deadline.git"
    git("clone", "--quiet", "--bare", str(remote), str(at_deadline), cwd=tmp_path)
    git("update-ref", "refs/heads/main", "main~1", cwd=at_deadline)
    clone = clone_at(at_deadline, tmp_path / "graded" / "alice", DEADLINE - timedelta(minutes=1))
    # After the deadline the clone fetches from the real remote (which now has the late push).
    git("remote", "set-url", "origin", str(remote), cwd=clone)
    git("fetch", "--quiet", "origin", cwd=clone, when=LATE + timedelta(days=1))
    chosen = choose_commit(clone, DEADLINE)
    assert chosen.sha == sha_of(clone, ON_TIME.strftime("%Y-%m-%d"))
    assert chosen.source == "clone time" and chosen.warning == ""
    assert chosen.time == (DEADLINE - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Without a deadline, the newest commit is graded.
    newest = choose_commit(clone)
    assert newest.sha == sha_of(clone, "2020-01-15")


def test_feedback_commits_and_future_dates(tmp_path, github):
    future = datetime(2099, 1, 1, tzinfo=UTC)
    remote = student_repository(tmp_path, "bob", [
        ({"notebook.txt": "template"}, ON_TIME - timedelta(days=9), ON_TIME - timedelta(days=9)),
        ({"notebook.txt": "work"}, future, ON_TIME),
        ({"FEEDBACK.md": "## Feedback"}, DEADLINE + timedelta(days=2),
         DEADLINE + timedelta(days=2)),
    ], github)  # fmt: skip
    clone = clone_at(remote, tmp_path / "graded" / "bob", DEADLINE + timedelta(days=3))
    work = sha_of(clone, "2099-01-01")
    for deadline in (None, DEADLINE + timedelta(days=5)):
        chosen = choose_commit(clone, deadline, token=TOKEN, api=github.url)
        assert chosen.sha == work, deadline  # never the grader's FEEDBACK.md commit
        assert any(f.startswith(f"commit {work[:7]} is dated 2099") and "in the future" in f
                   for f in chosen.flags)  # fmt: skip
    assert choose_commit(clone, DEADLINE + timedelta(days=5), token=TOKEN,
                         api=github.url).time == ON_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")  # fmt: skip


def test_no_push_before_the_deadline_grades_the_template(tmp_path, github):
    remote = student_repository(tmp_path, "carol", [
        ({"notebook.txt": "template"}, DEADLINE - timedelta(days=9), DEADLINE - timedelta(days=9)),
        ({"notebook.txt": "late"}, LATE, LATE),
    ], github)  # fmt: skip
    github.events[f"org/{ASSIGNMENT}-carol"] = [
        e for e in github.events[f"org/{ASSIGNMENT}-carol"] if e["created_at"] > "2026-06-30"
    ]  # the template came with the repository's creation, not a push
    clone = clone_at(remote, tmp_path / "graded" / "carol", LATE)
    template = git("rev-list", "--max-parents=0", "HEAD", cwd=clone)
    soon = LATE + timedelta(days=1)
    chosen = choose_commit(clone, DEADLINE, token=TOKEN, api=github.url, now=soon)
    assert (chosen.sha, chosen.source) == (template, "push event")
    # GitHub keeps 90 days of events: after that, no push may just mean a forgotten one.
    later = choose_commit(clone, DEADLINE, token=TOKEN, api=github.url,
                          now=DEADLINE + timedelta(days=91))  # fmt: skip
    assert later.source == "commit date" and "do not reach back" in later.warning


def test_an_api_error_falls_back_and_says_why(tmp_path, github, late_backdated):
    github.status = 401
    clone = clone_at(late_backdated, tmp_path / "graded" / "alice", LATE + timedelta(days=1))
    chosen = choose_commit(clone, DEADLINE, token="wrong", api=github.url)
    assert chosen.source == "commit date"
    assert "HTTP 401" in chosen.warning and "Bad credentials" in chosen.warning


@pytest.mark.parametrize(
    ("text", "message"),
    [("2026-06-30T23:59", "has no time zone"), ("30/06/2026", "not an ISO-8601 time")],
)
def test_deadline_needs_iso_8601_with_a_time_zone(text, message):
    with pytest.raises(ValueError, match=message):
        parse_deadline(text)
    assert parse_deadline("2026-06-30T23:59:00+02:00") == DEADLINE
    assert parse_deadline("2026-06-30T21:59Z") == DEADLINE


# ----------------------------------------------------------------- the command, end to end


@pytest.mark.slow
def test_grade_deadline_then_regrade_pushes_nothing(tmp_path, github):
    from tests.fixtures import course_submissions as subs

    released = subs.release_notebook(ASSIGNMENT)
    on_time = subs.answer(released, ASSIGNMENT, {}, tmp_path / "a" / "n.ipynb").read_text()
    late = subs.answer(released, ASSIGNMENT, {"rotate": subs.ROTATE_IGNORES_RESIZE},
                       tmp_path / "b" / "n.ipynb").read_text()  # fmt: skip
    notebook = f"notebooks/{ASSIGNMENT}/augmentation.ipynb"
    remote = student_repository(tmp_path, "alice", [
        ({notebook: released.read_text()}, ON_TIME - timedelta(days=9),
         ON_TIME - timedelta(days=9)),
        ({notebook: on_time}, ON_TIME, ON_TIME + timedelta(minutes=1)),
        ({notebook: late}, BACKDATED, LATE),
    ], github)  # fmt: skip
    folder = tmp_path / f"{ASSIGNMENT}-submissions"
    clone_at(remote, folder / f"{ASSIGNMENT}-alice", LATE + timedelta(days=1))
    env = {**os.environ, "GH_TOKEN": TOKEN, "MPLBACKEND": "Agg", "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("GITHUB_TOKEN", None)
    command = [sys.executable, "-m", "coursekit", "classroom", "grade", str(folder),
               "--assignment", ASSIGNMENT, "--deadline", "2026-06-30T23:59:00+02:00",
               "--api-url", github.url, "--output", str(tmp_path / "class.csv"),
               "--feedback", str(tmp_path / "feedback"), "--push"]  # fmt: skip
    on_time_sha = git("rev-parse", "main~1", cwd=remote)
    first = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=600)  # fmt: skip
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"alice: 11 / 12; commit {on_time_sha[:7]}" in first.stdout
    assert "(push event)" in first.stdout and "FLAG:" in first.stdout
    assert "backdated" in first.stdout and "feedback pushed" in first.stdout
    with open(tmp_path / "class.csv", newline="") as stream:
        (row,) = csv.DictReader(stream)
    assert row["graded_commit"] == on_time_sha and row["time_source"] == "push event"
    assert row["timestamp"] == (ON_TIME + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert float(row["score"]) == 11.0 and "backdated" in row["commit_date_flags"]
    pushed = git("rev-parse", "main", cwd=remote)
    feedback = git("show", "main:FEEDBACK.md", cwd=remote)
    assert feedback.startswith(f"## Feedback on {ASSIGNMENT}: 11 / 12")
    assert feedback.endswith(f"Graded version: commit `{on_time_sha[:7]}`, on GitHub at "
                             f"{row['timestamp']} (push event).")  # fmt: skip

    again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=600)  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert "feedback unchanged" in again.stdout
    assert git("rev-parse", "main", cwd=remote) == pushed  # nothing pushed the second time
    with open(tmp_path / "class.csv", newline="") as stream:
        (row_again,) = csv.DictReader(stream)
    assert row_again["timestamp"] == row["timestamp"]  # never the feedback commit's time
    assert row_again["graded_commit"] == on_time_sha


def test_grade_refuses_a_deadline_without_time_zone(tmp_path, capsys):
    from coursekit.cli import main

    code = main(["classroom", "grade", str(tmp_path), "--assignment", ASSIGNMENT,
                 "--deadline", "2026-06-30T23:59",
                 "--output", str(tmp_path / "c.csv")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "--deadline '2026-06-30T23:59' has no time zone" in err and "+01:00" in err
