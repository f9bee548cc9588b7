"""One person's evaluation by the pure engine: target under 1 ms."""

from bench import Context, Result, benchmark

EVALUATIONS = 20_000
TARGET_MS = 1.0


@benchmark("policy_single_evaluation")
def policy_single_evaluation(ctx: Context) -> list[Result]:
    from apps.policy.engine.bench import time_single_evaluation

    seconds = time_single_evaluation(EVALUATIONS)
    return [Result("policy_single_evaluation", seconds * 1000, "ms", f"< {TARGET_MS:g} ms")]
