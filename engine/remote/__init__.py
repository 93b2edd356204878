"""A remote engine: generation jobs run by an engine on another machine, reached through a command."""
