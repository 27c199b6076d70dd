"""The Solver trains the reference net: it overfits a small set and keeps its history."""
import numpy as np
import pytest

from cs231n.solver import Solver
from solutions.BatchNormalization.fc_net import FullyConnectedNet


def small_data(rng, n_train=50, n_val=20, dim=40, classes=5):
    return {
        'X_train': rng.standard_normal((n_train, dim)), 'y_train': rng.integers(classes, size=n_train),
        'X_val': rng.standard_normal((n_val, dim)), 'y_val': rng.integers(classes, size=n_val),
    }


@pytest.mark.parametrize('use_batchnorm', [False, True])
def test_solver_overfits_fifty_samples(rng, use_batchnorm):
    np.random.seed(0)
    data = small_data(rng)
    model = FullyConnectedNet([100, 100], input_dim=40, num_classes=5, use_batchnorm=use_batchnorm,
                              weight_scale=5e-2)
    solver = Solver(model, data, update_rule='adam', optim_config={'learning_rate': 5e-3},
                    num_epochs=40, batch_size=25, verbose=False)
    solver.train()
    assert solver.train_acc_history[-1] == 1.0
    # One entry at the start and one per epoch.
    assert len(solver.train_acc_history) == len(solver.val_acc_history) == 41
    assert len(solver.loss_history) == 40 * 2
    assert solver.loss_history[-1] < solver.loss_history[0]


def test_solver_keeps_best_params_and_decays_learning_rate(rng):
    np.random.seed(1)
    data = small_data(rng)
    model = FullyConnectedNet([20], input_dim=40, num_classes=5)
    solver = Solver(model, data, update_rule='sgd', optim_config={'learning_rate': 1e-2},
                    lr_decay=0.5, num_epochs=3, batch_size=25, verbose=False)
    solver.train()
    assert set(solver.best_params) == set(model.params)
    assert model.params is solver.best_params
    assert solver.best_val_acc == max(solver.val_acc_history)
    for config in solver.optim_configs.values():
        assert config['learning_rate'] == pytest.approx(1e-2 * 0.5 ** 3)


def test_check_accuracy_in_batches_matches_one_pass(rng):
    np.random.seed(2)
    data = small_data(rng, n_train=237)
    model = FullyConnectedNet([30], input_dim=40, num_classes=5, dtype=np.float64)
    solver = Solver(model, data, verbose=False)
    one_pass = np.mean(np.argmax(model.loss(data['X_train']), axis=1) == data['y_train'])
    assert solver.check_accuracy(data['X_train'], data['y_train'], batch_size=50) == pytest.approx(one_pass)


def test_solver_writes_checkpoints(rng, tmp_path):
    np.random.seed(3)
    data = small_data(rng)
    model = FullyConnectedNet([10], input_dim=40, num_classes=5)
    solver = Solver(model, data, num_epochs=2, batch_size=25, verbose=False,
                    checkpoint_name=str(tmp_path / 'ckpt'))
    solver.train()
    assert sorted(p.name for p in tmp_path.iterdir()) == ['ckpt_epoch_0.pkl', 'ckpt_epoch_1.pkl', 'ckpt_epoch_2.pkl']


def test_solver_rejects_unknown_arguments(rng):
    model = FullyConnectedNet([10], input_dim=40, num_classes=5)
    with pytest.raises(ValueError, match='learning_rte'):
        Solver(model, small_data(rng), learning_rte=1e-3)
    with pytest.raises(ValueError, match='update_rule'):
        Solver(model, small_data(rng), update_rule='adamw')
