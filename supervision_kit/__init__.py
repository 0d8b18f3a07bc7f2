"""supervision_kit: reflective safeguarding supervision in Jupyter and Voilà."""

__version__ = "0.1.0"
