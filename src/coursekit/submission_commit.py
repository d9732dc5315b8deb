"""Which commit of a student's repository to grade: the last one that reached GitHub in time.

A commit's own date is written by the student's computer and can say anything (a commit made
after the deadline can be dated 2020). What counts is when GitHub received it, known from:

``push event``
    The repository's push events (GitHub's REST API, ``GET /repos/{owner}/{repo}/events``,
    with a token): each names the branch, the pushed head commit and when GitHub recorded it.
``clone time``
    The clone's own record of what the remote branch held when it was cloned or fetched
    (git's reflog of ``origin/<branch>``): a clone taken at the deadline
    (``gh classroom clone student-repos`` run then) holds exactly what had been pushed.
``commit date``
    The last resort, always with a warning: the newest commit dated before the deadline.

Whatever the source, commit dates that run backwards (a commit dated before its parent) or
lie in the future (after the grading, or after the push that delivered them) are flagged.
``FEEDBACK.md`` commits (the grader's own) are never graded and never give the time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

__all__ = [
    "GradedCommit",
    "parse_deadline",
    "choose_commit",
    "repository_slug",
    "push_events",
    "PushEventsUnavailable",
    "export_commit",
    "token_from_environment",
    "SOURCES",
    "DEFAULT_API",
]

#: Where the time of a graded commit comes from, best first.
SOURCES = ("push event", "clone time", "commit date")
#: GitHub's REST API (``$GITHUB_API_URL`` on GitHub's own runners, or ``--api-url``).
DEFAULT_API = "https://api.github.com"
#: The events API gives at most 300 events (3 pages of 100), from the last 90 days.
_EVENT_PAGES = 3
_PER_PAGE = 100
#: How long GitHub keeps a repository's events.
_EVENTS_KEPT = timedelta(days=90)
#: A clone or fetch this long before the deadline may have missed later pushes.
_STALE_CLONE = timedelta(minutes=10)
#: Clock drift tolerated before a commit date counts as "in the future".
_DRIFT = timedelta(minutes=5)


@dataclass
class GradedCommit:
    """The commit to grade, when it reached GitHub and how that is known.

    Attributes
    ----------
    sha : str
        Full SHA of the graded commit ("" when the repository has none before the deadline).
    time : str
        ISO-8601 time (UTC) at which GitHub had it: the push, the clone or fetch, or (last
        resort) its commit date.
    source : str
        One of :data:`SOURCES`.
    warning : str
        Why the time is less than certain (always set for ``"commit date"``).
    flags : list of str
        Suspicious commit dates in the branch (backdated, in the future).
    """

    sha: str
    time: str
    source: str
    warning: str = ""
    flags: list[str] = field(default_factory=list)


class PushEventsUnavailable(RuntimeError):
    """The API could not give the push events of a repository (the reason is the message)."""


def parse_deadline(text: str) -> datetime:
    """An aware :class:`datetime` from an ISO-8601 deadline with its time zone.

    Raises
    ------
    ValueError
        When ``text`` is not ISO-8601 or has no time zone (a deadline without one is ambiguous).
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--deadline {text!r} is not an ISO-8601 time; expected e.g. 2026-12-01T23:59:00+01:00"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(
            f"--deadline {text!r} has no time zone; add one, e.g. {text}+01:00 or {text}Z"
        )
    return moment


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _git(clone: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(
        ["git", "-C", str(clone), *args], capture_output=True, text=True, timeout=120
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} in {clone}: {done.stderr.strip()[:300]}")
    return done.stdout


def _branch(clone: Path) -> str:
    """The branch students push to: the remote's default, else the checked-out one."""
    head = _git(clone, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", check=False).strip()
    if head.startswith("refs/remotes/origin/"):
        return head.removeprefix("refs/remotes/origin/")
    return _git(clone, "rev-parse", "--abbrev-ref", "HEAD").strip()


def _history(clone: Path, tip: str) -> list[tuple[str, datetime, list[str]]]:
    """``(sha, commit date, changed files)`` along the first parents of ``tip``, oldest first."""
    out = _git(clone, "log", "--first-parent", "--format=%x00%H %cI", "--name-only", tip)
    history = []
    for block in out.split("\x00")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        sha, date = lines[0].split(" ", 1)
        history.append((sha, datetime.fromisoformat(date), lines[1:]))
    return history[::-1]


def _is_feedback(files: list[str], feedback_file: str) -> bool:
    return files == [feedback_file]


def _flags(history, pushed_at: dict[str, datetime], now: datetime) -> list[str]:
    """Commit dates that cannot be true: before the parent's, or after their push or now."""
    flags = []
    for (_, before, _), (sha, date, _) in zip(history, history[1:], strict=False):
        if date < before:
            flags.append(
                f"commit {sha[:7]} is dated {_utc(date)}, before its parent ({_utc(before)}): "
                "backdated"
            )
    for sha, date, _ in history:
        limit = min(now, pushed_at.get(sha, now))
        if date > limit + _DRIFT:
            where = "its push" if sha in pushed_at else "the grading"
            flags.append(f"commit {sha[:7]} is dated {_utc(date)}, after {where}: in the future")
    return flags


def repository_slug(clone: Path) -> str:
    """``owner/name`` of the clone's ``origin`` (the last two parts of its URL)."""
    url = _git(clone, "remote", "get-url", "origin", check=False).strip()
    parts = [p for p in re.split(r"[/:]", url.removesuffix("/").removesuffix(".git")) if p]
    if len(parts) < 2:
        raise PushEventsUnavailable(f"{clone} has no origin remote naming owner/repository")
    return f"{parts[-2]}/{parts[-1]}"


def push_events(slug: str, token: str, api: str = DEFAULT_API) -> tuple[list[dict], bool]:
    """Push events of repository ``slug``, newest first, and whether the list is complete.

    The list is incomplete when GitHub's cap (300 events) was reached: older pushes are
    then missing.

    Raises
    ------
    PushEventsUnavailable
        On an HTTP error (the status and GitHub's message say why) or an unreadable answer.
    """
    events = []
    for page in range(1, _EVENT_PAGES + 1):
        url = f"{api.rstrip('/')}/repos/{slug}/events?per_page={_PER_PAGE}&page={page}"
        request = urllib.request.Request(
            url,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {token}",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "coursekit-classroom-grade",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                batch = json.load(answer)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:200]
            raise PushEventsUnavailable(f"{url}: HTTP {exc.code} {detail}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise PushEventsUnavailable(f"{url}: {exc}") from None
        if not isinstance(batch, list):
            raise PushEventsUnavailable(f"{url}: expected a list of events, got {batch!r:.100}")
        events += batch
        if len(batch) < _PER_PAGE:
            return [e for e in events if e.get("type") == "PushEvent"], True
    return [e for e in events if e.get("type") == "PushEvent"], False


def _from_push_events(events, complete, branch, deadline, history):
    """``(sha, time)`` of the last push to ``branch`` before ``deadline``; None if unknown."""
    ref = f"refs/heads/{branch}"
    pushes = sorted(
        (datetime.fromisoformat(e["created_at"].replace("Z", "+00:00")), e["payload"]["head"])
        for e in events
        if e.get("payload", {}).get("ref") == ref and e["payload"].get("head")
    )
    pushed_at = {}
    for when, head in pushes:
        pushed_at.setdefault(head, when)
    on_time = [(when, head) for when, head in pushes if deadline is None or when <= deadline]
    if on_time:
        return on_time[-1][1], on_time[-1][0], pushed_at
    if complete and history:
        # No push before the deadline: what GitHub held was the template it was created from.
        root = history[0]
        return root[0], root[1], pushed_at
    return None, None, pushed_at


def _first_push_holding(clone: Path, sha: str, pushed_at: dict, latest: datetime) -> datetime:
    """When ``sha`` first reached GitHub: the earliest push whose head is it or holds it
    (a later push of a ``FEEDBACK.md`` commit on top does not make it later)."""
    for when, head in sorted((when, head) for head, when in pushed_at.items()):
        if when <= latest and (head == sha or not subprocess.run(
            ["git", "-C", str(clone), "merge-base", "--is-ancestor", sha, head],
            capture_output=True, timeout=60,
        ).returncode):  # fmt: skip
            return when
    return latest


def _from_reflog(clone: Path, branch: str, deadline):
    """``(sha, time, seen after)``: what ``origin/<branch>`` held at the last clone or fetch
    before ``deadline``, and the tip the next clone or fetch saw (None if none)."""
    entries = []
    refs = (f"refs/remotes/origin/{branch}", "refs/remotes/origin/HEAD", f"refs/heads/{branch}")
    for ref in refs:
        path = clone / _git(clone, "rev-parse", "--git-path", f"logs/{ref}").strip()
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            head, _, message = line.partition("\t")
            fields = head.split()
            if len(fields) < 4:
                continue
            new, stamp, zone = fields[1], fields[-2], fields[-1]
            remote = ref.startswith("refs/remotes/") or message.startswith(("clone:", "pull"))
            if not remote or message.startswith("update by push") or set(new) == {"0"}:
                continue
            offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
            zone_info = timezone(offset if zone[0] == "+" else -offset)
            when = datetime.fromtimestamp(int(stamp), UTC).astimezone(zone_info)
            entries.append((when, new))
    entries.sort()
    on_time = [(when, sha) for when, sha in entries if deadline is None or when <= deadline]
    if not on_time:
        return None, None, None
    when, sha = on_time[-1]
    later = [s for w, s in entries if w > when]
    return sha, when, (later[0] if later else None)


def choose_commit(
    clone,
    deadline: datetime | None = None,
    *,
    token: str | None = None,
    api: str = DEFAULT_API,
    feedback_file: str = "FEEDBACK.md",
    now: datetime | None = None,
) -> GradedCommit:
    """The commit of ``clone`` to grade: the last one on GitHub before ``deadline``.

    Parameters
    ----------
    clone : path-like
        A clone of the student's repository (``origin`` is the student's repository).
    deadline : datetime, optional
        Aware deadline; None grades the newest commit (never a ``FEEDBACK.md`` one).
    token : str, optional
        GitHub token: push events from the REST API are used when it is given.
    api : str
        Base URL of GitHub's REST API.
    feedback_file : str
        The grader's feedback file: commits changing only it are skipped.
    now : datetime, optional
        The grading time (default: now), for commit dates in the future.

    Returns
    -------
    GradedCommit
    """
    clone = Path(clone)
    now = now or datetime.now(UTC)
    branch = _branch(clone)
    tip = f"origin/{branch}" if _git(
        clone, "rev-parse", "--verify", "--quiet", f"origin/{branch}", check=False
    ).strip() else "HEAD"  # fmt: skip
    history = _history(clone, tip)
    student = [h for h in history if not _is_feedback(h[2], feedback_file)]
    if not student:
        return GradedCommit("", "", "commit date", "the repository has no commit")

    def nearest_student_commit(sha: str) -> tuple[str, datetime] | None:
        """``sha`` itself, or its newest ancestor that is not a feedback commit."""
        order = [h[0] for h in history]
        if sha not in order:
            return None
        for past in reversed(history[: order.index(sha) + 1]):
            if not _is_feedback(past[2], feedback_file):
                return past[0], past[1]
        return None

    warnings = []
    pushed_at: dict[str, datetime] = {}
    if deadline is None:
        sha, date, _ = student[-1]
        return GradedCommit(sha, _utc(date), "commit date", "", _flags(history, {}, now))
    if token:
        try:
            events, complete = push_events(repository_slug(clone), token, api)
            # GitHub keeps 90 days of events: older pushes may be missing from a full list.
            complete = complete and now - deadline < _EVENTS_KEPT
            sha, when, pushed_at = _from_push_events(events, complete, branch, deadline, history)
            if sha is not None:
                found = nearest_student_commit(sha)
                if found is None:
                    warnings.append(
                        f"the commit {sha[:7]} pushed at {_utc(when)} is not in the clone "
                        "(force-pushed away?): run `git fetch` in it"
                    )
                else:
                    when = _first_push_holding(clone, found[0], pushed_at, when)
                    return GradedCommit(
                        found[0], _utc(when), "push event", "",
                        _flags(history, pushed_at, now),
                    )  # fmt: skip
            else:
                warnings.append("the push events do not reach back to the deadline")
        except PushEventsUnavailable as exc:
            warnings.append(f"no push events ({exc})")
    sha, when, seen_after = _from_reflog(clone, branch, deadline)
    if sha is not None:
        found = nearest_student_commit(sha)
        if found is not None:
            if deadline - when > _STALE_CLONE and seen_after not in (None, sha):
                warnings.append(
                    f"cloned or fetched at {_utc(when)}, {deadline - when} before the deadline: "
                    "later pushes before the deadline are not seen"
                )
            return GradedCommit(
                found[0], _utc(when), "clone time", "; ".join(warnings),
                _flags(history, pushed_at, now),
            )  # fmt: skip
    else:
        warnings.append("the clone was taken after the deadline")
    on_time = [h for h in student if h[1] <= deadline]
    warnings.append(
        "commit date: set by the student's computer, not when GitHub received the commit"
    )
    chosen = on_time[-1] if on_time else student[0]
    if not on_time:
        warnings.append("every commit is dated after the deadline; the first one is graded")
    return GradedCommit(
        chosen[0], _utc(chosen[1]), "commit date", "; ".join(warnings),
        _flags(history, pushed_at, now),
    )  # fmt: skip


def export_commit(clone, sha: str, target) -> Path:
    """Write the files of commit ``sha`` of ``clone`` into the new folder ``target``."""
    target = Path(target)
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(clone), "archive", "--format=tar", sha],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    if archive.returncode != 0:
        raise RuntimeError(f"git archive {sha[:7]} in {clone}: {archive.stderr.decode()[:300]}")
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def token_from_environment() -> str | None:
    """``$GH_TOKEN`` or ``$GITHUB_TOKEN`` (what ``gh`` itself reads), else None."""
    return os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN") or None
