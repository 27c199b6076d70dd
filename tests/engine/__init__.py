"""The engine on the tests' own one-layer fixture assignment alone (tests/fixture_assignment): grading,
reports, reading notebooks, options, shards and the warm graders, with no assignment of the kit in sight."""
