"""The Cast dock: characters, places and the style, with the pictures and voices every shot draws on."""
