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

__all__ = ["png_data_uri", "write_feedback", "feedback_html"]

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
.passed { border-left: 6px solid #2a7; } .other { border-left: 6px solid #c33; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.5em; }
figure { display: inline-block; margin: 0 1em 0 0; text-align: center; }
img { width: DISPLAY_SIDEpx; image-rendering: pixelated; border: 1px solid #999; }
""".replace("DISPLAY_SIDE", str(_DISPLAY_SIDE))


def feedback_html(result: SubmissionResult) -> str:
    """One self-contained HTML page for ``result``."""
    title = f"Feedback: {result.assignment or 'unknown assignment'}"
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Submission: <code>{html.escape(result.submission)}</code><br>"
        f"Score: <b>{result.score:g} / {result.max_score:g}</b></p>",
    ]
    if result.error:
        parts.append(f"<p><b>Grading problem:</b> {html.escape(result.error)}</p>")
    for q in result.questions:
        css = "passed" if q.status == "passed" else "other"
        parts.append(
            f"<div class='q {css}'><h2><code>{html.escape(q.name)}</code>: "
            f"{q.points:g} / {q.max_points:g} ({html.escape(q.status)})</h2>"
        )
        if q.feedback:
            parts.append(f"<pre>{html.escape(q.feedback)}</pre>")
        if q.images:
            for key in ("input", "expected", "got"):
                if key in q.images:
                    label = {"got": "your result"}.get(key, key)
                    parts.append(
                        f"<figure><img alt='{key}' src='{q.images[key]}'>"
                        f"<figcaption>{label}</figcaption></figure>"
                    )
        parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "submission"


def write_feedback(results: list[SubmissionResult], directory: str | Path) -> list[Path]:
    """Write one ``<student>-<assignment>.html`` (or ``<notebook>.html``) per result."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for result in results:
        stem = (
            f"{result.student_id}-{result.assignment}"
            if result.student_id
            else Path(result.submission).stem
        )
        path = directory / f"{_slug(stem)}.html"
        path.write_text(feedback_html(result), encoding="utf-8")
        written.append(path)
    return written
