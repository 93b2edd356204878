"""Playing a timeline back in time: clocks, sound output, shuttle speeds, timecode and cut navigation.

Nothing here knows Qt. The editor's viewer asks a `Player` where playback
is now (a frame, as an exact fraction) and moves its playhead there; the
`Player` answers from the sound card's own count of played samples when there
is one (sound is the master clock, so picture follows what is heard and
nothing drifts), and from a wall clock when there is none.
"""
