"""The policy engine: pure Python, no Django. Facts about a person and an effective policy
in; a status with its reasons and required actions out (see facts.py for the contract)."""
