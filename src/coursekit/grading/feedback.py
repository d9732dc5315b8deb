"""HTML feedback: per submission, each question's feedback, with input, expected and
student images side by side for image-valued questions."""

from __future__ import annotations

import base64
import html
import io
import re
from pathlib import Path

import numpy as np

from coursekit.grading.results import SubmissionResult
from coursekit.grading.status import Status

__all__ = ["png_data_uri", "write_feedback", "feedback_html", "feedback_path"]

_DISPLAY_SIDE = 160  # CSS pixels: tiny test images are scaled up with visible pixels


def png_data_uri(image) -> str | None:
    """``data:image/png;base64,...`` of a course image, or None if it is not one."""
    from PIL import Image

    arr = np.asarray(image)
    if arr.dtype.hasobject or arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] != 3):
        return None
    if arr.size == 0 or arr.shape[0] > 4096 or arr.shape[1] > 4096:
        return None
    if arr.dtype != np.uint8:
        arr = np.rint(np.clip(np.nan_to_num(arr.astype(np.float64)), 0.0, 1.0) * 255).astype(
            np.uint8
        )
    buffer = io.BytesIO()
    Image.fromarray(arr).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; color: #222; }
.q { border: 1px solid #ccc; border-radius: 6px; padding: 0.5em 1em; margin: 1em 0; }
.passed { border-left: 6px solid #2a7; } .partial { border-left: 6px solid #d90; }
.other { border-left: 6px solid #c33; } .manual { border-left: 6px solid #68a; }
table { border-collapse: collapse; } td, th { padding: 0.2em 0.6em; text-align: left; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.5em; }
figure { display: inline-block; margin: 0 1em 0 0; text-align: center; }
img { width: DISPLAY_SIDEpx; image-rendering: pixelated; border: 1px solid #999; }
""".replace("DISPLAY_SIDE", str(_DISPLAY_SIDE))


def _css_class(status: Status) -> str:
    return {
        Status.PASSED: "passed",
        Status.PARTIAL: "partial",
        Status.MANUAL: "manual",
        Status.GRADED: "manual",
    }.get(status, "other")


def feedback_html(result: SubmissionResult) -> str:
    """One self-contained HTML page for ``result`` (no paths of the grader's machine)."""
    e = html.escape
    title = f"Feedback: {result.assignment or 'unknown assignment'}"
    score = f"{result.score:g} / {result.max_score:g}"
    if result.pending_points:
        score += f" ({result.pending_points:g} points of written answers to be graded by hand)"
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>Notebook: <code>{e(Path(result.submission).name)}</code><br>"
        f"Score: <b>{e(score)}</b></p>",
    ]
    if result.error:
        parts.append(f"<p><b>Grading problem:</b> {e(result.error)}</p>")
    for q in result.questions:
        points = "pending" if q.points is None else f"{q.points:g}"
        parts.append(
            f"<div class='q {_css_class(q.status)}'><h2><code>{e(q.name)}</code>: "
            f"{points} / {q.max_points:g} ({e(str(q.status))})</h2>"
        )
        if q.kind == "written":
            parts.append("<p>A written answer, graded by hand.</p></div>")
            continue
        for note in q.notes:
            parts.append(f"<p>{e(note)}</p>")
        parts.append("<table><tr><th></th><th>check</th><th>points</th><th>what</th></tr>")
        for c in q.checks:
            parts.append(
                f"<tr><td>{e(c.status.symbol)}</td><td><code>{e(c.name)}</code></td>"
                f"<td>{c.points:g} / {c.max_points:g}</td><td>{e(c.title)}</td></tr>"
            )
        parts.append("</table>")
        for c in q.checks:
            if c.status is Status.PASSED or not c.feedback:
                continue
            parts.append(f"<h3>Check <code>{e(c.name)}</code>: {e(str(c.status))}</h3>")
            parts.append(f"<pre>{e(c.feedback)}</pre>")
            for key in ("input", "expected", "got"):
                if key in c.images:
                    label = {"got": "your result"}.get(key, key)
                    parts.append(
                        f"<figure><img alt='{key}' src='{c.images[key]}'>"
                        f"<figcaption>{label}</figcaption></figure>"
                    )
        parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "submission"


def feedback_path(result: SubmissionResult, directory) -> Path:
    """``DIR/<student>/<assignment>/<notebook>.html`` (nbgrader's ``feedback/`` layout)."""
    stem = _slug(Path(result.submission).stem)
    if result.student_id:
        return Path(directory) / _slug(result.student_id) / _slug(result.assignment or "") / (
            stem + ".html"
        )
    return Path(directory) / f"{stem}.html"


def write_feedback(results: list[SubmissionResult], directory: str | Path) -> list[Path]:
    """Write one page per result, in nbgrader's layout so ``release_feedback`` delivers it."""
    written = []
    for result in results:
        path = feedback_path(result, directory)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(feedback_html(result), encoding="utf-8")
        written.append(path)
    return written
