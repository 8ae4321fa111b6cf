"""The public base URL the calendar tests serve under, and a private calendar link in a reply."""

import re

BASE = "https://casebot.example.com"
LINK = re.compile(re.escape(BASE) + r"/calendar/[A-Za-z0-9_-]+\.ics")
