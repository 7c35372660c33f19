"""Errors a service raises when the secretary asked for something impossible."""


class ServiceError(Exception):
    """A request the domain refuses, with a message fit to show the secretary."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        #: Kept lazy so it is translated in the locale of whoever reads it.
        self.message = message
