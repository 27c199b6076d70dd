"""Loading CIFAR-10 from the archive's format, where the data is looked for, and the errors."""
import numpy as np
import pytest

from cs231n import data_utils
from cs231n.data_utils import (CIFAR10DataError, get_CIFAR10_data, get_CIFAR10_data_or_none, load_CIFAR10,
                               resolve_data_dir)


def test_load_reads_every_batch_channels_last(fake_cifar_dir):
    Xtr, ytr, Xte, yte = load_CIFAR10(fake_cifar_dir)
    assert Xtr.shape == (1500, 32, 32, 3) and ytr.shape == (1500,)
    assert Xte.shape == (300, 32, 32, 3) and yte.shape == (300,)
    assert Xtr.min() >= 0 and Xtr.max() <= 255 and set(np.unique(ytr)) <= set(range(10))


def test_get_data_splits_and_subtracts_the_training_mean(fake_cifar_dir):
    data = get_CIFAR10_data(num_training=1000, num_validation=200, num_test=100, cifar10_dir=fake_cifar_dir)
    assert data['X_train'].shape == (1000, 3, 32, 32) and data['X_val'].shape == (200, 3, 32, 32)
    assert data['X_test'].shape == (100, 3, 32, 32) and data['y_test'].shape == (100,)
    np.testing.assert_allclose(data['X_train'].mean(axis=0), 0, atol=1e-9)
    # Validation images are the ones that follow the training images, with the same mean removed.
    Xtr, ytr, _, _ = load_CIFAR10(fake_cifar_dir)
    mean = Xtr[:1000].mean(axis=0)
    np.testing.assert_allclose(data['X_val'][0], (Xtr[1000] - mean).transpose(2, 0, 1))
    np.testing.assert_array_equal(data['y_val'], ytr[1000:1200])
    raw = get_CIFAR10_data(1000, 200, 100, subtract_mean=False, cifar10_dir=fake_cifar_dir)
    np.testing.assert_allclose(raw['X_train'][3], Xtr[3].transpose(2, 0, 1))


def test_asking_for_more_than_the_folder_holds_says_how_many(fake_cifar_dir):
    with pytest.raises(ValueError, match='holds 1500 training images'):
        get_CIFAR10_data(cifar10_dir=fake_cifar_dir)  # the defaults want 49000 + 1000


def test_none_takes_everything_that_is_there(fake_cifar_dir):
    data = get_CIFAR10_data(num_training=None, num_validation=500, num_test=None, cifar10_dir=fake_cifar_dir)
    assert data['X_train'].shape[0] == 1000 and data['X_val'].shape[0] == 500 and data['X_test'].shape[0] == 300


def test_optional_experiments_get_everything_there_is_or_none_with_the_reason(fake_cifar_dir, tmp_path, capsys):
    data = get_CIFAR10_data_or_none(num_validation=500, cifar10_dir=fake_cifar_dir)
    assert data['X_train'].shape[0] == 1000 and data['X_test'].shape[0] == 300
    assert 'X_train: (1000, 3, 32, 32)' in capsys.readouterr().out
    assert get_CIFAR10_data_or_none(cifar10_dir=tmp_path / 'missing') is None
    said = capsys.readouterr().out
    assert 'CIFAR-10 is not available, so the experiments will be skipped' in said and 'missing' in said


def test_data_dir_resolution_order(monkeypatch, tmp_path):
    monkeypatch.setenv('CIFAR10_DIR', str(tmp_path / 'env'))
    assert resolve_data_dir(tmp_path / 'arg') == tmp_path / 'arg'
    assert resolve_data_dir() == tmp_path / 'env'
    monkeypatch.delenv('CIFAR10_DIR')
    monkeypatch.setenv('XDG_DATA_HOME', str(tmp_path / 'xdg'))
    assert resolve_data_dir() == tmp_path / 'xdg' / 'bnkit' / 'cifar-10-batches-py'


def test_environment_variable_is_used_by_get_data(monkeypatch, fake_cifar_dir):
    monkeypatch.setenv('CIFAR10_DIR', str(fake_cifar_dir))
    assert get_CIFAR10_data(500, 100, 50)['X_train'].shape[0] == 500


def test_missing_folder_says_how_to_fetch(tmp_path):
    with pytest.raises(CIFAR10DataError) as info:
        load_CIFAR10(tmp_path / 'nothing-here')
    assert str(tmp_path / 'nothing-here') in str(info.value)
    assert data_utils.FETCH_HINT in str(info.value) and 'CIFAR10_DIR' in str(info.value)


def test_missing_batch_file_is_named(fake_cifar_dir, tmp_path):
    import shutil
    copy = tmp_path / 'partial'
    shutil.copytree(fake_cifar_dir, copy)
    (copy / 'data_batch_3').unlink()
    with pytest.raises(CIFAR10DataError, match='data_batch_3: file not found'):
        load_CIFAR10(copy)


def test_corrupt_batch_file_is_named(fake_cifar_dir, tmp_path):
    import shutil
    copy = tmp_path / 'corrupt'
    shutil.copytree(fake_cifar_dir, copy)
    data = (copy / 'test_batch').read_bytes()
    (copy / 'test_batch').write_bytes(data[:len(data) // 2])
    with pytest.raises(CIFAR10DataError) as info:
        load_CIFAR10(copy)
    assert 'test_batch' in str(info.value) and 'corrupt' in str(info.value)


@pytest.mark.realdata
def test_real_subset_loads_with_smaller_counts(real_cifar_dir):
    Xtr, ytr, Xte, yte = load_CIFAR10(real_cifar_dir)
    assert Xtr.shape[1:] == (32, 32, 3) and Xtr.shape[0] == ytr.shape[0] >= 2000
    data = get_CIFAR10_data(num_training=1000, num_validation=1000, num_test=1000, cifar10_dir=real_cifar_dir)
    assert data['X_train'].shape == (1000, 3, 32, 32)
    assert len(np.unique(data['y_train'])) == 10
