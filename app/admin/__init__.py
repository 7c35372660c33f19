"""Administration on the page: a forum's settings, forums, secretaries' accounts."""
