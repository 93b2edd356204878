"""`shotline farm up|status|down`: the generation farm on Ray (engine/farm/cluster.py says what each does)."""

from __future__ import annotations

import argparse
import json

from engine.farm import cluster


def add_args(parser: argparse.ArgumentParser) -> None:
    verbs = parser.add_subparsers(dest="verb", required=True)
    up = verbs.add_parser("up", help="start a local cluster, or check and remember an existing one")
    up.add_argument("--workers", type=int, default=2, help="worker slots of a local cluster (default 2)")
    up.add_argument("--address", help="an existing cluster's address (HOST:PORT), started with `ray start`")
    status = verbs.add_parser("status", help="nodes, GPUs, loaded models and running jobs")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    verbs.add_parser("down", help="stop what `farm up` started, nothing else")


def run(args: argparse.Namespace) -> int:
    if args.verb == "up":
        state = cluster.up(args.workers, args.address)
        if state.local:
            print(f"farm: local cluster at {state.address} with {state.workers} worker slots")
        else:
            print(f"farm: cluster at {state.address} answers; generation jobs will run there")
        return 0
    if args.verb == "status":
        found = cluster.status()
        if args.json:
            print(json.dumps(found))
            return 0
        kind = "local" if found["local"] else "joined"
        print(f"farm: {found['address']} ({kind})")
        for node in found["nodes"]:
            state = "up" if node["alive"] else "lost"
            print(f"  node {node['node']} {state}: {node['gpus']} GPUs, {node['slots']} worker slots")
        for worker in found["workers"]:
            running = ", ".join(worker["running"]) or "idle"
            model = f", model {worker['model']}" if worker["model"] else ""
            print(
                f"  worker {worker['task']}/{worker['backend']} on {worker['node']}{model}: "
                f"{running}; {worker['finished']} done"
            )
        if not found["workers"]:
            print("  no workers yet (they start with the first job)")
        return 0
    print(f"farm: {cluster.down()}")
    return 0
