"""Screenplays the tests import: short Fountain texts with every element the import handles."""

from __future__ import annotations

#: Three scenes, two characters, dialogue with a parenthetical and an extension, transitions, a dual
#: dialogue, a note and a boneyard (cut text that must make nothing).
THE_KEEPER = """\
Title: The Keeper
Author: Test

FADE IN:

EXT. LIGHTHOUSE - DAWN

Fog rolls over the rocks. MARA, a keeper in a red coat, climbs the iron stairs.

MARA
The lamp went out again.

TOM (O.S.)
(calling up)
I told you the wiring was old.

[[Shoot this at first light.]]

CUT TO:

INT. LAMP ROOM - CONTINUOUS

Tom fixes the wires while Mara holds the torch.

MARA
Hurry.

TOM ^
I am hurrying.

/* A cut line about the storm
that we no longer need. */

EXT. HARBOUR - NIGHT

The lamp sweeps the water. Both watch from the pier.

MARA
It holds.
"""

#: An open note (line 6) and an open boneyard (line 9): errors, each with its line.
BROKEN = "INT. HOUSE - DAY\n\nMARA\nHello.\n\n[[ an open note\n\nJOHN\nHi /* never\nclosed\n"
