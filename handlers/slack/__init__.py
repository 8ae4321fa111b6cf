"""casebot's Slack plumbing: the one Web API client factory, who a Slack user is (users.info → a person, and
who may use casebot), and the Notifier that sends what bot/delivery decides is owed."""
