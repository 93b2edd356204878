"""Reading FCP 7 XML (Premiere's and Resolve's "XML") with two things the adapter misses put right.

The fcp_xml adapter parses a nested sequence (a clip item holding a
``<sequence>``) by looking for tracks directly under the sequence element,
where there are none (they are under its ``<media>``), so every nested
sequence arrived empty. And it keeps ``<enabled>FALSE</enabled>`` only as
metadata, so a clip switched off in Premiere would play. This parser reads
the nested sequence's own media, and the caller (`adopt`) honours the flag.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache

import opentimelineio as otio


@cache
def _parser_class() -> type:
    """The adapter's parser with nested sequences read from their media (the adapter's module
    is loaded through OTIO's plugin manifest: it cannot be imported as a plain module)."""
    fcp_xml = otio.adapters.from_name("fcp_xml").module()

    class Parser(fcp_xml.FCP7XMLParser):
        def stack_for_element(self, element, context):  # the adapter's signature
            if element.tag == "sequence":
                media = self._derefed_element(element.find("./media"))
                if media is not None:
                    stack = super().stack_for_element(media, context.context_pushing_element(element))
                    stack.name = fcp_xml._name_from_element(element)
                    return stack
            return super().stack_for_element(element, context)

    return Parser


def read_from_string(text: str) -> otio.schema.Timeline | otio.schema.SerializableCollection:
    sequences = _parser_class()(ET.fromstring(text)).top_level_sequences()
    if not sequences:
        raise ValueError("no top-level sequence in it")
    if len(sequences) == 1:
        return sequences[0]
    return otio.schema.SerializableCollection(name="Sequences", children=sequences)


def honour_enabled(timeline: otio.schema.Timeline) -> None:
    """``<enabled>FALSE</enabled>`` on a clip item or track becomes OTIO's `enabled` flag."""
    for item in [*timeline.find_children(), *timeline.tracks]:
        meta = item.metadata.get("fcp_xml", {})
        if str(meta.get("enabled", "")).upper() == "FALSE":
            item.enabled = False


def mark_disabled(timeline: otio.schema.Timeline) -> None:
    """The reverse for writing: disabled clips and tracks carry ``<enabled>FALSE</enabled>``."""
    for item in [*timeline.find_children(), *timeline.tracks]:
        if isinstance(item, otio.schema.Clip | otio.schema.Track | otio.schema.Stack) and not item.enabled:
            meta = dict(item.metadata.get("fcp_xml", {}) or {})
            meta["enabled"] = "FALSE"
            item.metadata["fcp_xml"] = meta
