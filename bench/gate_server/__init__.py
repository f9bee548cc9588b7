"""The server the gate benchmark starts (gunicorn): the project's settings and URLs plus one
bare view, so the verdict endpoint is compared with the same stack doing one SELECT."""
