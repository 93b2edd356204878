"""Proxies: the window's settings, the Project > Proxies dialog."""
