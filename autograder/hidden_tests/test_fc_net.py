from autograder import checks


def test_fc_net_init(student):
    checks.fc_net_init(student).require()


def test_fc_net_loss_and_gradients(student):
    checks.fc_net_loss_and_gradients(student).require()


def test_fc_net_test_mode(student):
    checks.fc_net_test_mode(student).require()


def test_fc_net_training(student):
    checks.fc_net_training(student).require()
