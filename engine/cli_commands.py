"""Imports every module that registers a `shotline` subcommand."""
