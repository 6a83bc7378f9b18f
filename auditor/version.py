"""The tool's version: one definition, read by the package, the build and every output's signature."""

__version__ = "0.1.0"
