"""Generated CIFAR-10 stand-ins for tests (the generator lives in the kit: autograder.fakedata)."""
from autograder.fakedata import make_images, write_fake_cifar10  # noqa: F401
