"""casebot: the core, in layers (rules, services, delivery, entry points); see the README's Layout."""
