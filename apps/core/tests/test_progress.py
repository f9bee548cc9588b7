"""The progress protocol the pages share (apps/core/progress.py) and its one partial."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from apps.core.progress import (
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    Progress,
)


def test_it_counts_done_and_failed_towards_the_bar():
    assert Progress(RUNNING, done=3, failed=1, total=8).percent == 50
    assert Progress(QUEUED, total=8).percent == 0
    assert Progress(DONE).percent == 100  # done is full even when the size was never known
    assert Progress(RUNNING, done=12, total=8).percent == 100


def test_it_is_finished_when_done_or_failed_only():
    assert [Progress(s).finished for s in (QUEUED, RUNNING, DONE, FAILED)] == [
        False, False, True, True]


def test_it_draws_an_unknown_size_as_an_indeterminate_bar():
    assert Progress(RUNNING).indeterminate and not Progress(RUNNING, total=4).indeterminate
    assert not Progress(QUEUED).indeterminate


def test_it_refuses_an_unknown_state_and_negative_counts():
    with pytest.raises(ValueError):
        Progress("almost")
    with pytest.raises(ValueError):
        Progress(RUNNING, done=-1)


def _render(progress):
    with translation.override("zh-hans"):
        return render_to_string("core/_progress.html", {
            "progress": progress, "url": "/x/progress/", "element_id": "job"})


def test_the_bar_polls_every_second_until_the_work_is_finished():
    running = _render(Progress(RUNNING, done=2, total=4, label="正在做"))
    assert 'hx-get="/x/progress/"' in running and 'hx-trigger="every 1s"' in running
    assert 'aria-valuenow="50"' in running and "2 / 4" in running and "正在做" in running
    done = _render(Progress(DONE, done=4, total=4, result_url="/x/", result_label="看结果"))
    assert "hx-get" not in done and 'data-state="done"' in done
    assert 'href="/x/"' in done and "看结果" in done


def test_the_bar_says_what_failed():
    failed = _render(Progress(FAILED, total=5, failed=5))
    assert "hx-get" not in failed and "bg-danger" in failed and "5 项失败" in failed
