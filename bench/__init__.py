"""The scale benchmark (issue 6): a generated firm, signed commands over HTTP, digests, memory."""
