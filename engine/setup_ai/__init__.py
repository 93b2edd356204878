"""Setting up the AI engine's own environment (`shotline setup-ai`), as a desktop app does on first run.

The bundle and a light install carry no torch: the AI engine runs in an
environment of its own in the user's data folder, with the PyTorch build
that matches this machine's GPU. gpu.py finds the GPU (or reads one stated
with --gpu), torch_build.py chooses the build and says why, installer.py
creates the environment with uv (or venv + pip) and installs into it,
verify.py proves it by running a tiny pipeline through the engine started
from it, and record.py remembers it so the editor starts its engine there.
"""
