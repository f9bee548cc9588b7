"""Testing: test rounds, pooled sampling, lab results, rechecks, pool-size advice."""
