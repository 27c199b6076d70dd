from autograder import checks


def test_batchnorm_forward_train(student):
    checks.batchnorm_forward_train(student).require()


def test_batchnorm_running_stats_test_mode(student):
    checks.batchnorm_running_stats_test_mode(student).require()


def test_batchnorm_invalid_mode(student):
    checks.batchnorm_invalid_mode(student).require()


def test_batchnorm_backward(student):
    checks.batchnorm_backward(student).require()
