"""The certificates REST API: the officer's endpoints and the public verification."""
