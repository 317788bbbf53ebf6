"""`make grade`: grade a folder of student notebooks, offline, without Docker.

    python -m bookkit.grading.grade [SUBMISSIONS] [--out DIR] [--timeout SECONDS]

SUBMISSIONS holds one student per file (``alice.ipynb``: student ``alice``) or per sub-folder
(``bob/``: student ``bob``, every ``*.ipynb`` in it, any names). Which chapter a notebook is
comes from the labels of its exercises, not from its name. Writes ``grades.csv``
(student, notebook, exercise, score, max_score, status, message) and ``feedback/<student>.md``
into ``_build/grades`` (or ``--out``).

How a notebook is graded: every file is read into memory before any code runs. Each notebook
gets its own kernel, started in a fresh private folder holding only a copy of that notebook.
The kernel first runs the grader's set-up (it limits the size of files it may write and keeps
its own reference to the checks) and the import statements of the chapter's source in book/;
then, exercise by exercise, the answer cells (``bookkit.grading.notebooks``) and the grader's
own check call. The check cells of the notebook never run, so editing them or redefining
``check`` changes nothing. An exercise has ``settings.GRADE_EXERCISE_TIMEOUT`` seconds for its
answer and its check together and may print ``settings.GRADE_OUTPUT_LIMIT`` bytes; past
either, or when its code kills the kernel, it scores 0 and the next exercise starts in a new
kernel. A bad file or notebook gets a row that says what went wrong; the others go on.

What this does not do: sandbox. The student's code runs as the instructor's user; it cannot
find the other submissions or the grades through its working folder, but code written to
harm the machine (or to patch otter's classes in its own kernel) is not stopped. Grade
untrusted submissions in a throw-away account or container.
"""

from __future__ import annotations

import argparse
import ast
import csv
import os
import queue
import re
import secrets
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import settings
from .checks import CHECKS, HAND_GRADED
from .notebooks import answers, chapter_of, exercise_labels, preamble

COLUMNS = ["student", "notebook", "exercise", "score", "max_score", "status", "message"]
KEEP_OUTPUT = 4000  # characters of an exercise's output kept for its feedback


@dataclass
class Row:
    student: str
    notebook: str
    exercise: str
    score: float | str
    max_score: float | str
    status: str
    message: str = ""


@dataclass
class Outcome:
    status: str  # "ok", "error", "timeout", "died", "output"
    stdout: str = ""
    error: str = ""


@dataclass
class Submission:
    student: str
    name: str  # the file's path inside SUBMISSIONS
    data: bytes | None
    problem: str = ""  # why it cannot be graded, when it cannot


@dataclass
class Graded:
    submission: Submission
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


# --- The submissions ---------------------------------------------------------------------------
def collect(folder: Path) -> list[Submission]:
    """Every submission of ``folder``, read into memory (one student per file or sub-folder)."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            files = sorted(p for p in entry.rglob("*") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(entry).parts))
            notebooks = [p for p in files if p.suffix == ".ipynb"]
            for path in notebooks:
                found.append(Submission(entry.name, str(path.relative_to(folder)),
                                        path.read_bytes()))
            if not notebooks:
                found.append(Submission(entry.name, entry.name + "/", None,
                                        "no notebook (.ipynb) in this folder"))
        elif entry.is_file():
            found.append(Submission(entry.stem, entry.name, entry.read_bytes()))
    return found


def read_notebook(submission: Submission):
    """The notebook, or None with ``submission.problem`` set."""
    if submission.data is None:
        return None
    try:
        nb = nbformat.reads(submission.data.decode("utf-8"), as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no cells")
        for cell in nb.cells:
            cell.setdefault("metadata", {})
            if not isinstance(cell.get("source"), str) or "cell_type" not in cell:
                raise ValueError("a cell without source or type")
        return nb
    except Exception as err:  # noqa: BLE001  any file at all may arrive here
        submission.problem = f"not a notebook ({type(err).__name__}: {str(err)[:200]})"
        return None


# --- One kernel ----------------------------------------------------------------------------------
class Kernel:
    """A Python kernel in its own folder, running one cell at a time against a deadline."""

    def __init__(self, cwd: Path, nonce: str, chapter: Path):
        from jupyter_client import KernelManager

        env = {**os.environ, **settings.numerics_env(), "HOME": str(cwd.parent),
               "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}
        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(cwd=str(cwd), env=env)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=settings.GRADE_KERNEL_START_TIMEOUT)
        self.nonce = nonce
        setup = (
            "import resource as _r, sys as _s\n"
            f"_r.setrlimit(_r.RLIMIT_FSIZE, ({settings.GRADE_FILE_LIMIT}, "
            f"{settings.GRADE_FILE_LIMIT}))\n"
            f"from bookkit.grading.run import run_check as _run_{nonce}\n"
            f"_write_{nonce}, _flush_{nonce} = _s.stdout.write, _s.stdout.flush\n"
            "del _r, _s\n" + preamble(chapter))
        done = self.run(setup, time.monotonic() + settings.GRADE_KERNEL_START_TIMEOUT)
        if done.status != "ok":
            self.stop()
            raise RuntimeError(f"the grader's set-up failed: {done.status} {done.error}")

    def run(self, code: str, deadline: float, limit: int = settings.GRADE_OUTPUT_LIMIT) -> Outcome:
        msg_id = self.kc.execute(code, store_history=False, allow_stdin=False,
                                 stop_on_error=False)
        kept, size, error = [], 0, ""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Outcome("timeout", "".join(kept), error)
            try:
                msg = self.kc.get_iopub_msg(timeout=min(remaining, 1.0))
            except queue.Empty:
                if not self.km.is_alive():
                    return Outcome("died", "".join(kept), error)
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            text = ""
            if kind == "stream":
                text = content.get("text", "")
            elif kind in ("execute_result", "display_data"):
                text = str(content.get("data", {}).get("text/plain", "")) + "\n"
            elif kind == "error":
                error = f"{content.get('ename')}: {content.get('evalue')}"[:1000]
            elif kind == "status" and content.get("execution_state") == "idle":
                return Outcome("error" if error else "ok", "".join(kept), error)
            size += len(text)
            if sum(map(len, kept)) < KEEP_OUTPUT + 2000:
                kept.append(text)
            if size > limit:
                return Outcome("output", "".join(kept), error)

    def check(self, label: str, deadline: float) -> tuple[Outcome, dict | None]:
        import json

        code = (f"_write_{self.nonce}({self.nonce!r} + _run_{self.nonce}({label!r}, globals())"
                f".to_json() + '\\n'); _flush_{self.nonce}()")
        done = self.run(code, deadline, limit=10 * settings.GRADE_OUTPUT_LIMIT)
        for line in done.stdout.splitlines():
            if line.startswith(self.nonce):
                return done, json.loads(line[len(self.nonce):])
        return done, None

    def stop(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


# --- One notebook --------------------------------------------------------------------------------
STOPPED = {
    "timeout": "time limit: stopped after {t} s (answer and check together)",
    "died": "the kernel died while running this exercise (exit, crash or out of memory)",
    "output": "printed more than {b} bytes: stopped",
}


def has_code(sources: list[str]) -> bool:
    """Whether any cell holds a statement (the inserted answer cell holds only comments)."""
    for source in sources:
        try:
            if ast.parse(source).body:
                return True
        except SyntaxError:
            return True  # an attempt, if a broken one
    return False


def grade_notebook(submission: Submission, timeout: float) -> Graded:
    start = time.monotonic()
    graded = Graded(submission)
    student, name = submission.student, submission.name

    def row(exercise, score, max_score, status, message=""):
        graded.rows.append(Row(student, name, exercise, score, max_score, status, message))

    nb = read_notebook(submission)
    if nb is None:
        row("", 0, 0, "error", submission.problem)
        return graded
    labels = [label for cell in nb.cells for label in exercise_labels(cell)]
    found, notes = answers(nb)
    graded.notes.extend(notes)
    chapter = chapter_of(labels + list(found))
    if chapter is None:
        row("", 0, 0, "error", "no exercise of the book in this notebook: cells deleted, or "
            "not one of the book's notebooks")
        return graded
    number = int(chapter.name[:2])
    ordered = [label for label in CHECKS if CHECKS[label].chapter == number]
    sandbox = Path(tempfile.mkdtemp(prefix="rectified-grade-"))
    work = sandbox / "work"
    nonce = "R" + secrets.token_hex(8)
    kernel = None
    try:
        for label in [lb for lb in HAND_GRADED if lb.startswith(f"ex-ch{number}-")]:
            if label in labels:
                row(label, "", "", "by hand", HAND_GRADED[label])
        for label in ordered:
            possible = len(CHECKS[label].cases)
            cells = found.get(label, [])
            if not has_code(cells):
                missing = "" if label in labels else " (the exercise is missing from the notebook)"
                row(label, 0, possible, "not attempted", "no answer" + missing)
                continue
            work.mkdir(parents=True, exist_ok=True)  # an earlier exercise may have deleted it
            if not (work / Path(name).name).exists():
                (work / Path(name).name).write_bytes(submission.data)
            if kernel is None:
                try:
                    kernel = Kernel(work, nonce, chapter)
                except Exception as err:  # noqa: BLE001
                    row(label, 0, possible, "error", f"the kernel did not start: {err}")
                    continue
            deadline = time.monotonic() + timeout
            errors, stopped, printed = [], None, []
            for index, source in enumerate(cells, 1):
                done = kernel.run(source, deadline)
                printed.append(done.stdout)
                if done.error:
                    errors.append(f"answer cell {index} raised {done.error}")
                if done.status in STOPPED:
                    stopped = done.status
                    break
            result = None
            if stopped is None:
                done, result = kernel.check(label, deadline)
                if done.status in STOPPED:
                    stopped = done.status
            if stopped is not None:
                kernel.stop()
                kernel = None
                message = STOPPED[stopped].format(t=timeout, b=settings.GRADE_OUTPUT_LIMIT)
                row(label, 0, possible, stopped if stopped != "output" else "too much output",
                    "; ".join([message, *errors]))
            elif result is None:
                row(label, 0, possible, "error",
                    "; ".join(["the check printed no result (did the answer replace "
                               "sys.stdout or the grader's names?)", *errors]))
            else:
                failed = [f"{c['name']}: {c['message']}" for c in result["cases"]
                          if not c["passed"]]
                message = "; ".join(errors + failed) if result["status"] != "not attempted" \
                    else "; ".join(["answer defines none of " + ", ".join(
                        CHECKS[label].names), *errors])
                row(label, result["score"], result["max_score"], result["status"], message)
            output = "".join(printed)
            if len(output) > KEEP_OUTPUT:
                output = output[:KEEP_OUTPUT] + "\n[... output cut ...]"
            if output.strip():
                graded.notes.append(f"{label} printed:\n{output}")
    finally:
        if kernel is not None:
            kernel.stop()
        shutil.rmtree(sandbox, ignore_errors=True)
        graded.seconds = time.monotonic() - start
    return graded


# --- The class -----------------------------------------------------------------------------------
def safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "student"


def feedback(student: str, graded: list[Graded]) -> str:
    lines = [f"# Feedback for {student}", ""]
    for one in graded:
        auto = [r for r in one.rows if isinstance(r.max_score, (int, float))]
        score = sum(float(r.score) for r in auto)
        possible = sum(float(r.max_score) for r in auto)
        lines += [f"## {one.submission.name}: {score:g} of {possible:g} points", ""]
        for r in one.rows:
            points = f"{float(r.score):g}/{float(r.max_score):g}" if r.status != "by hand" \
                else "graded by hand"
            lines.append(f"- **{r.exercise or 'notebook'}** ({points}): {r.status}")
            for part in filter(None, r.message.split("; ")):
                lines.extend(["", "  ```text", *(f"  {x}" for x in part.splitlines()), "  ```"])
        if one.notes:
            lines += ["", "Notes:", ""]
            for note in one.notes:
                lines += ["```text", note.rstrip(), "```"]
        lines.append("")
    return "\n".join(lines)


def grade(folder: Path, out: Path, timeout: float = settings.GRADE_EXERCISE_TIMEOUT,
          workers: int = settings.GRADE_PARALLEL) -> list[Graded]:
    """Grade every submission of ``folder``; write ``out/grades.csv`` and ``out/feedback/``."""
    submissions = collect(folder)  # everything read before any student code runs
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(lambda s: grade_notebook(s, timeout), submissions))
    shutil.rmtree(out, ignore_errors=True)
    (out / "feedback").mkdir(parents=True)
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for graded in results:
            for r in graded.rows:
                writer.writerow([r.student, r.notebook, r.exercise, r.score, r.max_score,
                                 r.status, r.message])
    by_student: dict[str, list[Graded]] = {}
    for graded in results:
        by_student.setdefault(graded.submission.student, []).append(graded)
    for student, graded in by_student.items():
        (out / "feedback" / f"{safe(student)}.md").write_text(feedback(student, graded),
                                                             encoding="utf-8")
    return results


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bookkit.grading.grade",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("submissions", nargs="?", default=str(settings.SUBMISSIONS_DEFAULT))
    parser.add_argument("--out", default=str(settings.GRADES_DIR))
    parser.add_argument("--timeout", type=float, default=settings.GRADE_EXERCISE_TIMEOUT,
                        help="seconds per exercise (answer and check)")
    args = parser.parse_args(argv)
    folder = Path(args.submissions)
    if not folder.is_dir():
        raise SystemExit(f"no folder of submissions at {folder} (make grade SUBMISSIONS=dir)")
    start = time.monotonic()
    results = grade(folder, Path(args.out), args.timeout)
    for graded in results:
        auto = [r for r in graded.rows if isinstance(r.max_score, (int, float))]
        print(f"{graded.seconds:6.1f} s  {graded.submission.student:<16} "
              f"{graded.submission.name:<32} {sum(float(r.score) for r in auto):g}/"
              f"{sum(float(r.max_score) for r in auto):g}"
              + (f"  ({graded.rows[0].message[:60]})" if graded.rows
                 and graded.rows[0].status == "error" else ""))
    print(f"{len(results)} notebooks in {time.monotonic() - start:.0f} s: "
          f"{Path(args.out) / 'grades.csv'}, feedback in {Path(args.out) / 'feedback'}/")


if __name__ == "__main__":
    main(sys.argv[1:])
