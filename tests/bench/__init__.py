"""The benchmark behind `make bench`: figures beside floors measured in the same run."""
