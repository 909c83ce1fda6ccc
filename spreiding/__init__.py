"""spreiding: how library branches are spread over a region, and who lives how far away."""

__version__ = "0.1.0"
