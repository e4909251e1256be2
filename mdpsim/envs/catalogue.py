"""Built-in environment factories (imports register them)."""
from .garnet import garnet

__all__ = ["garnet"]
