"""J/K/L shuttle speeds as Premiere and Resolve step them.

L plays forward; pressing it again while playing forward doubles the speed
up to 8x. J does the same backwards. K stops. Pressing J while playing
forward (or L while playing backwards) turns round at normal speed. Space
toggles between stopped and normal speed forward.
"""

from __future__ import annotations

MAX_SPEED = 8


def forward(speed: int) -> int:
    return 1 if speed <= 0 else min(speed * 2, MAX_SPEED)


def backward(speed: int) -> int:
    return -1 if speed >= 0 else max(speed * 2, -MAX_SPEED)


def toggle(speed: int) -> int:
    return 0 if speed else 1
