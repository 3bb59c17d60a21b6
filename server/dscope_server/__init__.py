"""dscope-server: runs a diffusion language model's forward with PyTorch and answers dscope's decoder
over HTTP with the per-row statistics a step needs (docs/server.md)."""

__version__ = "0.1.0"
# Bumped on any change of the wire format; dscope refuses a server of another version.
PROTOCOL_VERSION = 1
