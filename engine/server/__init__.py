"""The engine process: JSON-RPC 2.0 over stdin/stdout, one JSON message per line."""
