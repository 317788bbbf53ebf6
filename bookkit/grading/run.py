"""Run one exercise's check on a namespace, through otter-grader's exception-based test files.

otter supplies the test-case record (``otter.test_files.test_case``: points, messages), the
runner that calls each case with the names it asks for from the namespace, and the scoring
(``TestFile.score``, ``possible``). The glue here: the cases come from ``checks.CHECKS`` instead
of a file; a failure shows the case's own message (otter's shows a line of the test file, which
a student never sees); an answer whose names are all missing is "not attempted".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from .checks import CHECKS


@dataclass
class CaseResult:
    name: str
    passed: bool
    message: str  # why it failed, for the student ("" when it passed)


@dataclass
class CheckResult:
    label: str
    status: str  # "passed", "failed" or "not attempted"
    score: float
    max_score: float
    cases: list[CaseResult]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    def report(self) -> str:
        """What the check cell of a student notebook prints."""
        if self.status == "not attempted":
            names = ", ".join(f"`{name}`" for name in CHECKS[self.label].names)
            return (f"Exercise {self.label}: not attempted yet. Define {names} in your answer "
                    "cell above, run it, then run this cell again.")
        lines = [f"Exercise {self.label}: {sum(c.passed for c in self.cases)} of "
                 f"{len(self.cases)} checks passed."]
        for case in self.cases:
            lines.append(f"  {'✔' if case.passed else '✘'} {case.name}")
            if not case.passed:
                lines.extend(f"      {line}" for line in case.message.splitlines())
        return "\n".join(lines)


def _test_file(label: str):
    """The check of ``label`` as an otter test file, one point per case."""
    from otter.test_files import test_case
    from otter.test_files.exception_test import ExceptionTestFile

    class BookTestFile(ExceptionTestFile):
        def _generate_error_message(self, excp: Exception, context: int = 0) -> str:
            if isinstance(excp, AssertionError):
                return str(excp)
            # The student's code raised (or a name is not what the exercise asks for).
            return f"your code raised {type(excp).__name__}: {excp}"

    cases = [test_case(name=(func.__doc__ or func.__name__).strip(), points=1)(func)
             for func in CHECKS[label].cases]
    return BookTestFile(label, f"bookkit/grading/checks.py::{label}",
                        [case.to_dataclass() for case in cases], all_or_nothing=False)


def run_check(label: str, env: dict) -> CheckResult:
    """Run the check of exercise ``label`` on the namespace ``env`` (a notebook's globals)."""
    check = CHECKS[label]
    test_file = _test_file(label)
    if not any(name in env for name in check.names):
        return CheckResult(label, "not attempted", 0, test_file.possible, [])
    test_file.run(env)
    cases = []
    for result in test_file.test_case_results:
        message = "" if result.passed else result.message.removeprefix("❌ Test case failed\n")
        cases.append(CaseResult(result.test_case.name, result.passed, message))
    status = "passed" if test_file.passed_all else "failed"
    return CheckResult(label, status, test_file.score, test_file.possible, cases)
