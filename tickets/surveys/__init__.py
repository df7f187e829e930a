"""Follow-up surveys: a satisfaction survey after a solved ticket, a relationship (NPS) survey
for a sample of active customers, and the follow-up tasks a low score opens. docs/surveys.md.

Modules: `scheduling` (solve → schedule, reopen → cancel), `sweep` (the periodic task's
work: send, remind, expire), `tokens` (the links), `answers` (a customer's answer),
`nps` (sampling), `follow_ups` (the team lead's list), `views` / `urls` (the pages).
"""
