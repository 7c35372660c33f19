"""The mail intake: the IMAP worker and the drop folder. Knows IMAP, not meetings."""
