"""What a generated firm is made of (bench/generate.py, bench/case_maker.py): the stages its open cases sit in
and how long they stay, and the names of its clients, providers and adjusters."""

from __future__ import annotations

from bot.rules.playbook import HoldUp, Stage

OPEN_FLOW = (
    Stage.RECORDS,
    Stage.DEMAND_QUEUE,
    Stage.DEMAND_DRAFTING,
    Stage.DEMAND_SENT,
    Stage.NEGOTIATION,
    Stage.FINAL_OFFER,
    Stage.SETTLEMENT,
)
# Where a firm's open cases sit: most are still collecting records.
STAGE_WEIGHTS = (40, 12, 10, 12, 15, 6, 5)
# Days a case spends in each stage before the next (inclusive ranges), and how long the current one may be.
STAGE_SPAN = {
    Stage.RECORDS: (30, 150),
    Stage.DEMAND_QUEUE: (3, 30),
    Stage.DEMAND_DRAFTING: (5, 40),
    Stage.DEMAND_SENT: (20, 60),
    Stage.NEGOTIATION: (10, 90),
    Stage.FINAL_OFFER: (3, 20),
}
CURRENT_AGE = {
    Stage.RECORDS: 150,
    Stage.DEMAND_QUEUE: 45,
    Stage.DEMAND_DRAFTING: 40,
    Stage.DEMAND_SENT: 90,
    Stage.NEGOTIATION: 90,
    Stage.FINAL_OFFER: 30,
    Stage.SETTLEMENT: 30,
}

FIRST = (
    "Maria",
    "James",
    "Ana",
    "Robert",
    "Linh",
    "David",
    "Aisha",
    "Carlos",
    "Emily",
    "Wei",
    "Fatima",
    "Michael",
    "Sofia",
    "Daniel",
    "Grace",
    "Jose",
    "Olivia",
    "Hiro",
    "Priya",
    "Samuel",
    "Nadia",
    "Luis",
)
LAST = (
    "Garcia",
    "Nguyen",
    "Smith",
    "Kim",
    "Patel",
    "Lopez",
    "Johnson",
    "Chen",
    "Martinez",
    "Brown",
    "Okafor",
    "Rossi",
    "Haddad",
    "Silva",
    "Cohen",
    "Ivanova",
    "Tanaka",
    "Walker",
    "Reyes",
    "Singh",
)
PROVIDERS = (
    "Valley Orthopedics",
    "Bayside Chiropractic",
    "St. Mary Medical Center",
    "Pacific Imaging",
    "Golden Gate Physical Therapy",
    "Mission Urgent Care",
    "Summit Pain Management",
    "Harbor ER",
    "Eastside Neurology",
    "Oak Street Pharmacy",
    "Westlake Radiology",
    "City Ambulance",
    "Redwood Spine Institute",
    "Sunset Acupuncture",
    "Northgate Family Medicine",
    "Lakeview Hospital",
)
ADJUSTERS = (
    "Dana Moore (State Farm)",
    "Chris Lee (GEICO)",
    "Pat Rivera (Allstate)",
    "Sam Ortiz (Progressive)",
    "Jordan Blake (Farmers)",
    "Alex Kim (Liberty Mutual)",
    "Taylor Reed (USAA)",
    "Morgan Diaz (Mercury)",
)
HOLDUP_NOTES = {HoldUp.OTHER: ("police report", "photos of the vehicle", "witness statement")}
