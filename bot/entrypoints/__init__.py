"""The composition root: app, command line, scheduler, console; the only part of bot/ that imports handlers/."""
