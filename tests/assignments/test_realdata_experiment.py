"""The seed notebook's deep-net experiment on real CIFAR-10 images (runs when CIFAR10_DIR is set).

[100] * 5 hidden layers, 1000 training images, 10 epochs, batch 50, adam 1e-3, weight scale 2e-2.
Measured on the 5170-image subset over seeds 0-7: final train accuracy with batch norm 0.76-0.83
(mean 0.81), without 0.62-0.67 (mean 0.64); the seed notebook reports 0.79 and 0.63. The bands below
are the measured range widened by about 0.05 on each side, and the gap by half of the measured 0.17.
"""
import numpy as np
import pytest

from cs231n.data_utils import get_CIFAR10_data
from cs231n.solver import Solver
from solutions.BatchNormalization.fc_net import FullyConnectedNet

SEEDS = (0, 1, 2, 3)


def final_train_accuracy(data, use_batchnorm, seed):
    np.random.seed(seed)
    model = FullyConnectedNet([100] * 5, weight_scale=2e-2, use_batchnorm=use_batchnorm)
    solver = Solver(model, data, num_epochs=10, batch_size=50, update_rule='adam',
                    optim_config={'learning_rate': 1e-3}, verbose=False)
    solver.train()
    return solver.train_acc_history[-1], max(solver.val_acc_history)


@pytest.mark.realdata
@pytest.mark.slow
def test_batchnorm_trains_deep_net_better_than_baseline(real_cifar_dir):
    data = get_CIFAR10_data(num_training=1000, num_validation=1000, num_test=0, cifar10_dir=real_cifar_dir)
    small = {k: data[k] for k in ('X_train', 'y_train', 'X_val', 'y_val')}
    bn = np.array([final_train_accuracy(small, True, s) for s in SEEDS])
    base = np.array([final_train_accuracy(small, False, s) for s in SEEDS])
    bn_train, base_train = bn[:, 0].mean(), base[:, 0].mean()
    assert 0.70 <= bn_train <= 0.90, bn
    assert 0.55 <= base_train <= 0.72, base
    assert bn_train - base_train >= 0.08
    # Validation accuracy stays in the seed's neighbourhood (~0.33) for both: the gain is in optimization.
    assert 0.25 <= bn[:, 1].mean() <= 0.42 and 0.25 <= base[:, 1].mean() <= 0.42
