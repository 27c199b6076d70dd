"""Generated CIFAR-10 stand-ins for tests (the generator lives in the kit: autograder.validation.fakedata)."""
from autograder.validation.fakedata import make_images, write_fake_cifar10  # noqa: F401
