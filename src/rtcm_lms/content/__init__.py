"""Content on disk (content/, quiz_banks/) <-> the in-memory model."""
