"""The generation farm: Shotline's jobs on a Ray cluster's GPUs.

Ray does the distributed part (nodes, resources, actors, restarts); this
package only says what Shotline runs there. cluster.py starts, checks and
stops a cluster (`shotline farm up|status|down`), token.py keeps its secret,
actor.py is the worker that owns a loaded model on one GPU, and executor.py
sends generation jobs to those workers and brings their results back into
the local cache as if they had been made here. `ray` is imported only in
functions, so nothing pays for it unless a farm is used.
"""
