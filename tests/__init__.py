"""The test suite: tests/<part>/ holds the tests of poolutils.<part>; the library core's are at this level."""
