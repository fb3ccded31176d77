"""The `litestar iris` command line: the app Litestar's CLI discovers, `iris init` and `iris tell`."""
