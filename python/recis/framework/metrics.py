"""recis.framework.metrics: the metrics a model reports for the trainer's log line.
add_metric(name, value) from anywhere (typically the model's forward); get_global_metrics()
returns the dict (the same object, as RecIS)."""

GLOBAL_METRICS = {}


def add_metric(name, metric):
    GLOBAL_METRICS[name] = metric


def get_global_metrics():
    return GLOBAL_METRICS
