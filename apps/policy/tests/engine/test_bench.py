from apps.policy.engine.bench import henan_policy, realistic_facts, time_single_evaluation
from apps.policy.engine.evaluate import evaluate


def test_it_times_a_realistic_evaluation():
    status = evaluate(realistic_facts(), henan_policy())
    assert status.category == "home_quarantine" and len(status.reasons) == 4
    mean = time_single_evaluation(n=200)
    assert 0 < mean < 0.005  # target 1 ms; generous here so a busy test machine passes
