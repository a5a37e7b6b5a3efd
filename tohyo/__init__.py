"""tohyo — real-time voting sessions with one serialization point per session."""

__version__ = "0.1.0"
