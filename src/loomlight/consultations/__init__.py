"""Public comment periods on a programme's guidelines (issue 19, point 7): anyone comments on a section, the
guideline's authors alone read the comments. docs/architecture.md ("Consultations") has the rules."""
