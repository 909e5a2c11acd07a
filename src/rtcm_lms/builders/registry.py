"""Every build format by its CLI name."""

from __future__ import annotations

from .base import Builder
from .cc11 import Cc11Builder
from .cc13 import Cc13Builder
from .quiz_exports import GiftBuilder, MoodleXmlBuilder, Qti12Builder
from .scorm12 import Scorm12Builder
from .scorm2004 import Scorm2004Builder

BUILDERS: dict[str, Builder] = {
    b.name: b for b in (Scorm12Builder(), Scorm2004Builder(), Cc11Builder(), Cc13Builder(), MoodleXmlBuilder(),
                          GiftBuilder(), Qti12Builder())
}
