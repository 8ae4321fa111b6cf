"""Pure rules: the playbook as data, the planner, the calendar, days and amounts, fees, limitation periods."""
