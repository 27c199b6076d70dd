"""Solver: trains a classification model with minibatch first-order updates."""
import os
import pickle

import numpy as np

from cs231n import optim


class Solver:
    """Trains a model on a data dict and keeps its history.

    The model must provide:
    - ``model.params``: dict of name -> array, updated in place;
    - ``model.loss(X, y)``: returns ``(loss, grads)`` in training mode, grads
      keyed like params; ``model.loss(X)`` returns scores of shape (N, C).

    ``data`` holds 'X_train' (N_train, ...), 'y_train' (N_train,), 'X_val'
    (N_val, ...) and 'y_val' (N_val,).

    Optional keyword arguments:
    - update_rule: name of a rule in ``cs231n.optim`` ('sgd').
    - optim_config: hyperparameters passed to the rule, copied per parameter.
    - lr_decay: learning rate multiplier applied after each epoch (1.0).
    - batch_size: minibatch size (100).
    - num_epochs: passes over the training data (10).
    - num_train_samples: training examples used to estimate train accuracy
      each epoch (1000; None uses all).
    - num_val_samples: validation examples used per epoch (None uses all).
    - print_every: print the loss every this many iterations (10).
    - verbose: print progress (True).
    - checkpoint_name: if given, pickle a checkpoint to
      '<checkpoint_name>_epoch_<n>.pkl' after every epoch.

    After ``train()``: ``loss_history``, ``train_acc_history``,
    ``val_acc_history`` and ``best_params`` (the params with the best
    validation accuracy, also copied back into ``model.params``).
    """

    def __init__(self, model, data, **kwargs):
        self.model = model
        self.X_train, self.y_train = data['X_train'], data['y_train']
        self.X_val, self.y_val = data['X_val'], data['y_val']

        self.update_rule = kwargs.pop('update_rule', 'sgd')
        self.optim_config = kwargs.pop('optim_config', {})
        self.lr_decay = kwargs.pop('lr_decay', 1.0)
        self.batch_size = kwargs.pop('batch_size', 100)
        self.num_epochs = kwargs.pop('num_epochs', 10)
        self.num_train_samples = kwargs.pop('num_train_samples', 1000)
        self.num_val_samples = kwargs.pop('num_val_samples', None)
        self.checkpoint_name = kwargs.pop('checkpoint_name', None)
        self.print_every = kwargs.pop('print_every', 10)
        self.verbose = kwargs.pop('verbose', True)
        if kwargs:
            raise ValueError('Unrecognized arguments: %s' % ', '.join('"%s"' % k for k in kwargs))
        if not hasattr(optim, self.update_rule):
            raise ValueError('Invalid update_rule "%s"' % self.update_rule)
        self.update_rule = getattr(optim, self.update_rule)
        self._reset()

    def _reset(self):
        self.epoch = 0
        self.best_val_acc = -1.0  # so the first evaluation always records best_params
        self.best_params = {}
        self.loss_history = []
        self.train_acc_history = []
        self.val_acc_history = []
        # Every parameter gets its own copy of the config, since rules keep per-parameter state in it.
        self.optim_configs = {p: dict(self.optim_config) for p in self.model.params}

    def _step(self):
        """One gradient update on a random minibatch."""
        num_train = self.X_train.shape[0]
        batch_mask = np.random.choice(num_train, self.batch_size)
        loss, grads = self.model.loss(self.X_train[batch_mask], self.y_train[batch_mask])
        self.loss_history.append(loss)
        for p, w in self.model.params.items():
            next_w, next_config = self.update_rule(w, grads[p], self.optim_configs[p])
            self.model.params[p] = next_w
            self.optim_configs[p] = next_config

    def _save_checkpoint(self):
        if self.checkpoint_name is None:
            return
        checkpoint = {
            'model': self.model,
            'update_rule': self.update_rule,
            'lr_decay': self.lr_decay,
            'optim_config': self.optim_config,
            'batch_size': self.batch_size,
            'num_train_samples': self.num_train_samples,
            'num_val_samples': self.num_val_samples,
            'epoch': self.epoch,
            'loss_history': self.loss_history,
            'train_acc_history': self.train_acc_history,
            'val_acc_history': self.val_acc_history,
        }
        filename = '%s_epoch_%d.pkl' % (self.checkpoint_name, self.epoch)
        if self.verbose:
            print('Saving checkpoint to "%s"' % filename)
        tmp = filename + '.tmp'
        with open(tmp, 'wb') as f:
            pickle.dump(checkpoint, f)
        os.replace(tmp, filename)  # a crash mid-write never leaves a truncated checkpoint

    def check_accuracy(self, X, y, num_samples=None, batch_size=100):
        """Fraction of examples the model classifies correctly.

        Inputs:
        - X: (N, d_1, ..., d_k) examples; y: (N,) labels.
        - num_samples: if given, evaluate on a random subsample of this size.
        - batch_size: examples per forward pass, to bound memory.
        """
        N = X.shape[0]
        if num_samples is not None and N > num_samples:
            mask = np.random.choice(N, num_samples)
            X, y = X[mask], y[mask]
            N = num_samples
        y_pred = []
        for start in range(0, N, batch_size):
            scores = self.model.loss(X[start:start + batch_size])
            y_pred.append(np.argmax(scores, axis=1))
        y_pred = np.hstack(y_pred) if y_pred else np.zeros(0, dtype=int)
        return float(np.mean(y_pred == y))

    def train(self):
        """Run the optimization for ``num_epochs`` epochs."""
        num_train = self.X_train.shape[0]
        iterations_per_epoch = max(num_train // self.batch_size, 1)
        num_iterations = self.num_epochs * iterations_per_epoch

        for t in range(num_iterations):
            self._step()
            if self.verbose and t % self.print_every == 0:
                print('(Iteration %d / %d) loss: %f' % (t + 1, num_iterations, self.loss_history[-1]))

            epoch_end = (t + 1) % iterations_per_epoch == 0
            if epoch_end:
                self.epoch += 1
                for k in self.optim_configs:
                    self.optim_configs[k]['learning_rate'] = (
                        self.optim_configs[k].get('learning_rate', 1e-2) * self.lr_decay)

            first_it, last_it = t == 0, t == num_iterations - 1
            if first_it or last_it or epoch_end:
                train_acc = self.check_accuracy(self.X_train, self.y_train, num_samples=self.num_train_samples)
                val_acc = self.check_accuracy(self.X_val, self.y_val, num_samples=self.num_val_samples)
                self.train_acc_history.append(train_acc)
                self.val_acc_history.append(val_acc)
                self._save_checkpoint()
                if self.verbose:
                    print('(Epoch %d / %d) train acc: %f; val_acc: %f' % (
                        self.epoch, self.num_epochs, train_acc, val_acc))
                if val_acc > self.best_val_acc:
                    self.best_val_acc = val_acc
                    self.best_params = {k: v.copy() for k, v in self.model.params.items()}

        # Leave the model holding the parameters that did best on validation data.
        self.model.params = self.best_params
