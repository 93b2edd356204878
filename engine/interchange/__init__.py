"""Timelines to and from other editors: EDL, FCP 7 XML, FCPXML, AAF, Kdenlive and OTIO bundles.

`opening.open_timeline` reads any of them as a Shotline project (adopted so it
can be edited and rendered, offline media reported), `finishing.export_timeline`
writes one for another editor to finish, `relink.relink_folder` finds offline
media in a folder, `bundle` packs a project with all its media. The formats
themselves are OpenTimelineIO's plugins (`formats`). Above `project` and
`media`, below everything that runs jobs.
"""
