from __future__ import annotations

import os
import signal

import pytest

from pipeline.load.pool import DIED, run_in_order

FATAL = 7  # the task that kills its worker, as a segfault or the kernel's OOM killer would


def square_or_die(number: int) -> int:
    if number == FATAL:
        os.kill(os.getpid(), signal.SIGKILL)
    return number * number


def fail_on_five(number: int) -> int:
    if number == 5:
        raise OSError("the warehouse's disk is full")
    return number


def test_results_come_in_task_order_and_a_dying_task_is_isolated_without_losing_or_repeating_others():
    isolated = []

    def isolate(task: int, reason: str) -> int:
        isolated.append((task, reason))
        return -1

    assert list(run_in_order(square_or_die, range(12), 2, isolate)) == [n * n if n != FATAL else -1 for n in range(12)]
    assert isolated == [(FATAL, DIED)]  # the tasks in flight beside it were run again alone and kept


def test_an_exception_a_task_raises_stops_the_run_as_in_one_process():
    with pytest.raises(OSError, match="disk is full"):
        list(run_in_order(fail_on_five, range(10), 2, lambda task, reason: pytest.fail("no process died")))
