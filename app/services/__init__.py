"""Domain operations: change models and flush; never commit, never send mail."""
