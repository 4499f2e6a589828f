"""recis.hooks.Hook: code the Trainer calls at fixed points of a run (RecIS v1.0's methods).

The Trainer calls before_train/after_train around train(), before_evaluate/after_evaluate around
evaluate(), before_epoch/after_epoch around each pass, before_step/after_step(metrics,
global_step) around each optimizer step (evaluation calls after_step per batch, as RecIS), and
end() when train(), evaluate() or train_and_evaluate() finishes. Every method is a no-op here.
"""


class Hook:
    def before_train(self):
        pass

    def after_train(self):
        pass

    def before_evaluate(self):
        pass

    def after_evaluate(self):
        pass

    def before_epoch(self):
        pass

    def after_epoch(self):
        pass

    def before_step(self):
        pass

    def after_step(self, metrics=None, global_step=0):
        pass

    def end(self):
        pass
