"""Reminders: rows in the database that the beat sweep claims and delivers (DOMAIN.md section 5).

The broker only ever carries "go and deliver rows N, M" with the lease that claimed them; the
row holds the truth (due, sent, failed), so a lost broker message or a dead worker costs a
lease period, never a reminder.
"""
