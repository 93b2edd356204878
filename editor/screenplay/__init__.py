"""File > Import Screenplay…: a Fountain screenplay becomes the cut's scenes, shots, dialogue and Cast."""
